import http from 'node:http';
import https from 'node:https';
import { VigilError } from '../core/errors';
import { publicOnlyLookup } from './endpoint-policy';

/** One push request to a push service (RFC 8030 §5): the endpoint was checked before. */
export interface PushRequest {
  endpoint: URL;
  headers: Record<string, string>;
  body: Buffer;
  timeoutMs: number;
}

export interface PushResponse {
  status: number;
  /** The first bytes of the answer, for the log. */
  text: string;
}

/** Sends one push; rejects with VIGIL_ERR_PUSH_FAILED on timeout or network error. */
export type PushTransport = (req: PushRequest) => Promise<PushResponse>;

/** Node's http(s): no redirects, no keep-alive pool to other hosts, internal addresses refused on https. */
export const httpTransport: PushTransport = (req) =>
  new Promise((resolve, reject) => {
    const secure = req.endpoint.protocol === 'https:';
    const request = (secure ? https : http).request(req.endpoint, {
      method: 'POST',
      headers: { ...req.headers, 'content-length': String(req.body.length) },
      ...(secure ? { lookup: publicOnlyLookup } : {}),
    });
    const timer = setTimeout(
      () =>
        request.destroy(
          new VigilError('VIGIL_ERR_PUSH_FAILED', `no answer within ${req.timeoutMs} ms`),
        ),
      req.timeoutMs,
    );
    request.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= 2048) chunks.push(c);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          text: Buffer.concat(chunks).toString('utf8').slice(0, 300),
        });
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    request.on('error', (err) => {
      clearTimeout(timer);
      reject(
        err instanceof VigilError
          ? err
          : new VigilError('VIGIL_ERR_PUSH_FAILED', err.message, { cause: err }),
      );
    });
    request.end(req.body);
  });
