import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { VigilError } from '../../core/errors';
import type { ApiContext, ApiServer } from '../api-context';
import { AlertParams } from './alerts';

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` of a file of `size` bytes; undefined: not satisfiable. */
export function parseRange(
  header: string,
  size: number,
): { start: number; end: number } | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  return start <= end && start < size ? { start, end } : undefined;
}

export function registerClipRoutes(app: ApiServer, ctx: ApiContext): void {
  app.get(
    '/api/alerts/:id/clip',
    {
      schema: {
        summary: 'The event clip of an incident (MP4, H.264); every download is audited',
        params: AlertParams,
      },
    },
    async (req, reply) => {
      const id = req.params.id;
      const file = await ctx.clips?.find(id);
      if (!file) throw new VigilError('VIGIL_ERR_NOT_FOUND', `no clip for alert ${id}`);
      const { size } = await stat(file);
      const header = req.headers.range;
      const range = header ? parseRange(header, size) : undefined;
      if (header && !range)
        return reply
          .code(416)
          .header('content-range', `bytes */${size}`)
          .send({ code: 'VIGIL_ERR_REQUEST_INVALID', message: `range ${header} not satisfiable` });
      ctx.clips!.recordDownload(req.principal?.name ?? 'api', id, {
        bytes: range ? range.end - range.start + 1 : size,
        ...(range ? { range: `${range.start}-${range.end}` } : {}),
        ip: req.ip,
      });
      reply
        .type('video/mp4')
        .header('accept-ranges', 'bytes')
        .header('cache-control', 'private, no-store');
      if (!range) return reply.header('content-length', size).send(createReadStream(file));
      return reply
        .code(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
        .header('content-length', range.end - range.start + 1)
        .send(createReadStream(file, range));
    },
  );
}
