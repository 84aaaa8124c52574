import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorHandler } from '../../../services/api/errors';
import { VigilError } from '../../../services/core/errors';
import type { ErrorCode } from '../../../services/core/errors';
import { captureLogger } from '../../helpers/logger';

/** What the handler answered: the status and body it gave a reply. */
function answer(err: unknown): { status?: number; body?: unknown } {
  const sent: { status?: number; body?: unknown } = {};
  const reply = {
    code(status: number) {
      sent.status = status;
      return reply;
    },
    send(body: unknown) {
      sent.body = body;
      return reply;
    },
  } as unknown as FastifyReply;
  const req = { url: '/api/x' } as FastifyRequest;
  errorHandler(captureLogger().log)(err as FastifyError, req, reply);
  return sent;
}

// The statuses the API answered before the catalogue held them (api/errors.ts's STATUS table).
test.each([
  ['VIGIL_ERR_CONFIG_INVALID', 400],
  ['VIGIL_ERR_REQUEST_INVALID', 400],
  ['VIGIL_ERR_BAD_JSON', 400],
  ['VIGIL_ERR_UNAUTHORIZED', 401],
  ['VIGIL_ERR_FORBIDDEN', 403],
  ['VIGIL_ERR_NOT_FOUND', 404],
  ['VIGIL_ERR_CAMERA_EXISTS', 409],
  ['VIGIL_ERR_COMMAND_INVALID', 409],
  ['VIGIL_ERR_PRECONDITION_FAILED', 412],
  ['VIGIL_ERR_CONFIG_WRITE', 409],
  ['VIGIL_ERR_CONFIG_APPLY', 409],
  ['VIGIL_ERR_CONFIG_READ', 409],
  ['VIGIL_ERR_ONVIF_AUTH', 422],
  ['VIGIL_ERR_ONVIF_FAILED', 502],
  ['VIGIL_ERR_SNAPSHOT_FAILED', 503],
  ['VIGIL_ERR_DISCOVERY_FAILED', 422],
  ['VIGIL_ERR_ONVIF_UNREACHABLE', 504],
  ['VIGIL_ERR_BODY_TOO_LARGE', 413],
  ['VIGIL_ERR_UNSUPPORTED_MEDIA', 415],
  ['VIGIL_ERR_PRECONDITION_REQUIRED', 428],
  ['VIGIL_ERR_RATE_LIMITED', 429],
  ['VIGIL_ERR_PUSH_ENDPOINT_REFUSED', 422],
  ['VIGIL_ERR_MODEL_LOAD', 500],
  ['VIGIL_ERR_STREAM_STALLED', 500],
  ['VIGIL_ERR_INVARIANT', 500],
] as const)('%s is answered %i with its code', (code: ErrorCode, status) => {
  expect(answer(new VigilError(code, 'x'))).toEqual({ status, body: { code, message: 'x' } });
});

test.each([
  ['FST_ERR_CTP_INVALID_JSON_BODY', undefined, 400, 'VIGIL_ERR_BAD_JSON'],
  ['FST_ERR_CTP_EMPTY_JSON_BODY', undefined, 400, 'VIGIL_ERR_BAD_JSON'],
  ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 415, 'VIGIL_ERR_UNSUPPORTED_MEDIA'],
  ['FST_ERR_CTP_INVALID_CONTENT_LENGTH', 400, 400, 'VIGIL_ERR_BAD_JSON'],
  ['FST_ERR_CTP_BODY_TOO_LARGE', 413, 413, 'VIGIL_ERR_BODY_TOO_LARGE'],
  ['FST_RATE_LIMITED', 429, 429, 'VIGIL_ERR_RATE_LIMITED'],
  ['FST_ERR_NOT_ACCEPTABLE', 406, 406, 'VIGIL_ERR_REQUEST_INVALID'],
])("Fastify's %s is answered %s -> %i %s", (fstCode, statusCode, status, code) => {
  const err = Object.assign(new Error('m'), { code: fstCode, statusCode });
  expect(answer(err)).toEqual({ status, body: { code, message: 'm' } });
});
