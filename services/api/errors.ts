import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { VigilError, errorEntry } from '../core/errors';
import type { ErrorCode, ProblemDetail } from '../core/errors';
import type { Logger } from '../core/logger';

/** The HTTP status of a code, from the one catalogue (core/errors.ts); 500 when it names none. */
function statusOf(code: ErrorCode): number {
  return errorEntry(code).http ?? 500;
}

export interface ApiErrorBody {
  code: ErrorCode;
  message: string;
  details?: ProblemDetail[];
}

/** Fastify's own error codes, turned into ours (the status is the catalogue's). */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'VIGIL_ERR_BAD_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'VIGIL_ERR_BAD_JSON',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'VIGIL_ERR_UNSUPPORTED_MEDIA',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VIGIL_ERR_BAD_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'VIGIL_ERR_BODY_TOO_LARGE',
};

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
      status: statusOf('VIGIL_ERR_REQUEST_INVALID'),
      body: {
        code: 'VIGIL_ERR_REQUEST_INVALID',
        message: `${details[0]!.path}: ${details[0]!.message}`,
        details,
      },
    };
  }
  const code =
    (err.code ? FASTIFY_CODES[err.code] : undefined) ??
    (err.statusCode === 429 ? 'VIGIL_ERR_RATE_LIMITED' : undefined) ??
    (err instanceof SyntaxError ? 'VIGIL_ERR_BAD_JSON' : undefined);
  if (code) return { status: statusOf(code), body: { code, message: err.message } };
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
      const status = statusOf(err.code);
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
