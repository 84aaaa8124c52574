import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { VigilError } from '../core/errors';
import type { ErrorCode, ProblemDetail } from '../core/errors';
import type { Logger } from '../core/logger';

const STATUS: Partial<Record<ErrorCode, number>> = {
  VIGIL_ERR_CONFIG_INVALID: 400,
  VIGIL_ERR_REQUEST_INVALID: 400,
  VIGIL_ERR_BAD_JSON: 400,
  VIGIL_ERR_UNAUTHORIZED: 401,
  VIGIL_ERR_FORBIDDEN: 403,
  VIGIL_ERR_NOT_FOUND: 404,
  VIGIL_ERR_CAMERA_EXISTS: 409,
  VIGIL_ERR_COMMAND_INVALID: 409,
  VIGIL_ERR_PRECONDITION_FAILED: 412,
  VIGIL_ERR_CONFIG_WRITE: 409,
  VIGIL_ERR_CONFIG_APPLY: 409,
  VIGIL_ERR_CONFIG_READ: 409,
  VIGIL_ERR_ONVIF_AUTH: 422,
  VIGIL_ERR_ONVIF_FAILED: 502,
  VIGIL_ERR_SNAPSHOT_FAILED: 503,
  // WS-Discovery could not run here (no such interface): not a device that did not answer.
  VIGIL_ERR_DISCOVERY_FAILED: 422,
  VIGIL_ERR_ONVIF_UNREACHABLE: 504,
  VIGIL_ERR_BODY_TOO_LARGE: 413,
  VIGIL_ERR_UNSUPPORTED_MEDIA: 415,
  VIGIL_ERR_PRECONDITION_REQUIRED: 428,
  VIGIL_ERR_RATE_LIMITED: 429,
  VIGIL_ERR_PUSH_ENDPOINT_REFUSED: 422,
};

export interface ApiErrorBody {
  code: ErrorCode;
  message: string;
  details?: ProblemDetail[];
}

/** Fastify's own errors, turned into our stable codes. */
function fromFastify(err: FastifyError): { status: number; body: ApiErrorBody } | undefined {
  if (err.validation) {
    const where = err.validationContext ?? 'body';
    const details = err.validation.map((v) => {
      const missing = (v.params as { missingProperty?: string }).missingProperty;
      const extra = (v.params as { additionalProperty?: string }).additionalProperty;
      const p = `/${where}${v.instancePath}${missing ? `/${missing}` : extra ? `/${extra}` : ''}`;
      return { path: p, message: extra ? 'unknown key' : (v.message ?? 'invalid') };
    });
    return {
      status: 400,
      body: {
        code: 'VIGIL_ERR_REQUEST_INVALID',
        message: `${details[0]!.path}: ${details[0]!.message}`,
        details,
      },
    };
  }
  const map: Record<string, [number, ErrorCode]> = {
    FST_ERR_CTP_INVALID_JSON_BODY: [400, 'VIGIL_ERR_BAD_JSON'],
    FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'VIGIL_ERR_BAD_JSON'],
    FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'VIGIL_ERR_UNSUPPORTED_MEDIA'],
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'VIGIL_ERR_BAD_JSON'],
    FST_ERR_CTP_BODY_TOO_LARGE: [413, 'VIGIL_ERR_BODY_TOO_LARGE'],
  };
  const hit = err.code ? map[err.code] : undefined;
  if (hit) return { status: hit[0], body: { code: hit[1], message: err.message } };
  if (err.statusCode === 429)
    return { status: 429, body: { code: 'VIGIL_ERR_RATE_LIMITED', message: err.message } };
  if (err instanceof SyntaxError)
    return { status: 400, body: { code: 'VIGIL_ERR_BAD_JSON', message: err.message } };
  return byStatus(err);
}

/** Client errors of Fastify and its plugins (static files, the router) that name no code above. */
const CLIENT_ERRORS: Record<number, ErrorCode> = {
  400: 'VIGIL_ERR_REQUEST_INVALID',
  401: 'VIGIL_ERR_UNAUTHORIZED',
  403: 'VIGIL_ERR_NOT_FOUND', // a path outside the served folder: there is nothing there
  404: 'VIGIL_ERR_NOT_FOUND',
  405: 'VIGIL_ERR_NOT_FOUND',
  406: 'VIGIL_ERR_REQUEST_INVALID',
  408: 'VIGIL_ERR_REQUEST_INVALID',
  411: 'VIGIL_ERR_REQUEST_INVALID',
  412: 'VIGIL_ERR_PRECONDITION_FAILED',
  413: 'VIGIL_ERR_BODY_TOO_LARGE',
  414: 'VIGIL_ERR_REQUEST_INVALID',
  415: 'VIGIL_ERR_UNSUPPORTED_MEDIA',
  416: 'VIGIL_ERR_REQUEST_INVALID',
  428: 'VIGIL_ERR_PRECONDITION_REQUIRED',
  431: 'VIGIL_ERR_REQUEST_INVALID',
};

function byStatus(err: FastifyError): { status: number; body: ApiErrorBody } | undefined {
  const status = err.statusCode ?? (err as { status?: number }).status;
  const code = status ? CLIENT_ERRORS[status] : undefined;
  if (!code) return undefined;
  // A 403 from the static files is a path outside them: answered as the 404 it amounts to.
  const shown = status === 403 ? 404 : status!;
  return { status: shown, body: { code, message: shown === 404 ? 'no such file' : err.message } };
}

export function errorHandler(log: Logger) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof VigilError) {
      const status = STATUS[err.code] ?? 500;
      if (status >= 500) log.error({ code: err.code, err: err.message, url: req.url }, 'API error');
      const body: ApiErrorBody = {
        code: err.code,
        message: err.message,
        ...(err.details.length ? { details: [...err.details] } : {}),
      };
      return reply.code(status).send(body);
    }
    const known = fromFastify(err);
    if (known) return reply.code(known.status).send(known.body);
    log.error({ err: err.message, url: req.url }, 'unexpected API error');
    return reply.code(500).send({ code: 'VIGIL_ERR_INVARIANT', message: 'internal error' });
  };
}
