/**
 * The one error class of Vigil and the one catalogue of its stable codes: per code its meaning,
 * the API's HTTP status and the commands' exit code, side by side (api/errors.ts and
 * exit-codes.ts read them from here). Codes never change meaning; integrators match on them. The
 * README's table lists the same codes, statuses and exit codes (a unit test compares them).
 */

/** One code of the catalogue, as Fastify's createError(code, message, statusCode) keeps it. */
export interface ErrorEntry {
  /** What the code means, for people: the README's table says the same in its own words. */
  readonly message: string;
  /** The API's status for a request that fails with this code; absent: 500 (not the client's fault). */
  readonly http?: number;
  /** Every command's exit code when it stops on this code: 2 = fix what you gave it, 1 = a failure. */
  readonly exit: 1 | 2;
}

export const ERROR_CATALOGUE = {
  VIGIL_ERR_CONFIG_INVALID: {
    http: 400,
    exit: 2,
    message: 'The configuration file failed validation; every problem is listed.',
  },
  VIGIL_ERR_CONFIG_READ: {
    http: 409,
    exit: 2,
    message: 'The configuration file could not be read or is not valid YAML.',
  },
  VIGIL_ERR_MODEL_CHECKSUM: {
    exit: 1,
    message: 'A model file does not match the sha256 listed in models/manifest.json.',
  },
  VIGIL_ERR_MODEL_MISSING: {
    exit: 1,
    message: 'A model file listed in models/manifest.json is missing.',
  },
  VIGIL_ERR_MODEL_LOAD: {
    exit: 1,
    message: 'The model files are intact but the model could not be loaded.',
  },
  VIGIL_ERR_MODEL_CONVERT: {
    exit: 1,
    message:
      'The verified tfjs pose model could not be converted to ONNX for the configured input size.',
  },
  VIGIL_ERR_BACKEND_UNAVAILABLE: {
    exit: 1,
    message: 'The inference backend forced in config cannot be loaded here.',
  },
  VIGIL_ERR_FFMPEG_MISSING: {
    exit: 1,
    message: 'No usable ffmpeg binary was found (system or bundled).',
  },
  VIGIL_ERR_STREAM_EXITED: {
    exit: 1,
    message: 'ffmpeg exited; the camera reconnects with backoff.',
  },
  VIGIL_ERR_STREAM_STALLED: {
    exit: 1,
    message: 'No frame arrived within the watchdog time; ffmpeg was restarted.',
  },
  VIGIL_ERR_STREAM_AUTH: {
    exit: 1,
    message:
      'The camera refused the credentials (RTSP 401/403); retried slowly, at most once per 30 s.',
  },
  VIGIL_ERR_STREAM_UNREACHABLE: {
    exit: 1,
    message:
      'The camera does not answer (connection refused, timed out, no route); probed until it does.',
  },
  VIGIL_ERR_ONVIF_AUTH: {
    http: 422,
    exit: 1,
    message:
      'The ONVIF device refused the credentials (or none were given); nothing was read from it.',
  },
  VIGIL_ERR_ONVIF_UNREACHABLE: {
    http: 504,
    exit: 1,
    message: 'The ONVIF device did not answer at its address in time.',
  },
  VIGIL_ERR_ONVIF_FAILED: {
    http: 502,
    exit: 1,
    message:
      'The ONVIF device answered but not as expected (no media profile, no stream URI, a SOAP fault).',
  },
  VIGIL_ERR_CAMERA_EXISTS: {
    http: 409,
    exit: 1,
    message: 'A camera with this id is already configured.',
  },
  // http 422: WS-Discovery could not run here (no such interface), not a device that did not answer.
  VIGIL_ERR_DISCOVERY_FAILED: {
    http: 422,
    exit: 1,
    message: 'WS-Discovery could not run (no such interface, socket error).',
  },
  VIGIL_ERR_CAMERA_OFFLINE: {
    exit: 1,
    message: 'A camera stayed down longer than its offline alert threshold.',
  },
  VIGIL_ERR_FRAME_CORRUPT: {
    exit: 1,
    message: 'A frame of the wrong size reached the pipeline and was dropped.',
  },
  VIGIL_ERR_INFERENCE_FAILED: {
    exit: 1,
    message: 'Pose inference failed on one frame; the frame was skipped.',
  },
  VIGIL_ERR_INFERENCE_TIMEOUT: {
    exit: 1,
    message: 'A pose worker did not answer in time; the frame was skipped and the worker replaced.',
  },
  VIGIL_ERR_POSE_WORKER_DOWN: {
    exit: 1,
    message:
      'A pose worker died or could not be started; it is started again with backoff (1 s to 60 s).',
  },
  VIGIL_ERR_SNAPSHOT_FAILED: {
    http: 503,
    exit: 1,
    message: 'The alert snapshot could not be rendered or written.',
  },
  VIGIL_ERR_CLIP_FAILED: {
    exit: 1,
    message:
      'An event clip could not be made (no recording covers the incident, the stream is in a codec MP4 cannot hold, ffmpeg failed); the end is sent without it.',
  },
  VIGIL_ERR_CLIP_RING_FAILED: {
    exit: 1,
    message:
      'The clip ring could not be written (disk full, folder gone); clips resume by themselves once it can.',
  },
  VIGIL_ERR_MQTT_PUBLISH: { exit: 1, message: 'An MQTT publish failed.' },
  VIGIL_ERR_OUTBOX_FULL: {
    exit: 1,
    message: 'The alert outbox reached its size limit; the oldest undelivered message was dropped.',
  },
  VIGIL_ERR_OUTBOX_TOPIC: {
    exit: 1,
    message:
      'A message for a topic Vigil may not publish (empty, a wildcard, outside vigil/ and the Home Assistant prefix) was set aside, never sent.',
  },
  VIGIL_ERR_STATE_CORRUPT: {
    exit: 1,
    message:
      'A state file under dataDir failed validation; it was moved aside as <name>.corrupt-<time> (bad lines only for line files) and its good records kept.',
  },
  VIGIL_ERR_DISK_WRITE: {
    exit: 1,
    message:
      'A state file or the outbox could not be written (disk full, read-only); kept in memory and retried until the disk takes it again.',
  },
  VIGIL_ERR_COMMAND_INVALID: {
    http: 409,
    exit: 1,
    message:
      'A clerk command (ack, snooze) was malformed or named an unknown alert; it was ignored.',
  },
  VIGIL_ERR_BROKER_START: {
    exit: 1,
    message: 'The embedded MQTT broker could not listen on its address.',
  },
  VIGIL_ERR_MQTT_PACKET_REFUSED: {
    exit: 1,
    message:
      'The embedded broker closed a connection that sent a packet larger than it may (before login: a small CONNECT), or did not log in in time.',
  },
  VIGIL_ERR_MQTT_DENIED: {
    exit: 1,
    message:
      "The broker dropped Vigil's connection at each publish to a topic its ACL denies; publishing there stopped until restart, alerts go on.",
  },
  VIGIL_ERR_API_START: { exit: 1, message: 'The HTTP API could not listen on its address.' },
  VIGIL_ERR_UNAUTHORIZED: { http: 401, exit: 1, message: 'The request has no valid bearer token.' },
  VIGIL_ERR_FORBIDDEN: {
    http: 403,
    exit: 1,
    message: 'The token is valid but its role may not do this (viewer on a write).',
  },
  VIGIL_ERR_NOT_FOUND: { http: 404, exit: 1, message: 'No such route, camera, zone or alert.' },
  VIGIL_ERR_REQUEST_INVALID: {
    http: 400,
    exit: 1,
    message: 'The request body, query or path failed validation; the field is named.',
  },
  VIGIL_ERR_BAD_JSON: { http: 400, exit: 1, message: 'The request body is not valid JSON.' },
  VIGIL_ERR_UNSUPPORTED_MEDIA: {
    http: 415,
    exit: 1,
    message: 'The request body is not application/json.',
  },
  VIGIL_ERR_BODY_TOO_LARGE: { http: 413, exit: 1, message: 'The request body exceeds the limit.' },
  VIGIL_ERR_PRECONDITION_REQUIRED: {
    http: 428,
    exit: 1,
    message: 'A change needs an If-Match header with the current ETag.',
  },
  VIGIL_ERR_PRECONDITION_FAILED: {
    http: 412,
    exit: 1,
    message: 'If-Match does not match the current config: someone changed it first.',
  },
  VIGIL_ERR_RATE_LIMITED: {
    http: 429,
    exit: 1,
    message: 'Too many requests from this client; retry later.',
  },
  VIGIL_ERR_CONFIG_WRITE: {
    http: 409,
    exit: 1,
    message: 'The new config could not be written to disk; nothing was changed.',
  },
  VIGIL_ERR_CONFIG_APPLY: {
    http: 409,
    exit: 1,
    message:
      'A saved config change could not be applied to the running daemon; the previous config was restored and applied.',
  },
  VIGIL_ERR_INPUT_MISSING: {
    exit: 2,
    message: 'An input file given on the command line does not exist.',
  },
  VIGIL_ERR_USAGE: { exit: 2, message: 'The command line is not valid.' },
  VIGIL_ERR_PUSH_FAILED: {
    exit: 1,
    message:
      'A Web Push could not be sent (timeout, network, the push service refused it); the alert itself is not affected.',
  },
  VIGIL_ERR_PUSH_ENDPOINT_REFUSED: {
    http: 422,
    exit: 1,
    message:
      'A push subscription names an endpoint outside push.endpointHosts (https only): refused, nothing is sent there.',
  },
  VIGIL_ERR_PUSH_QUEUE_FULL: {
    exit: 1,
    message: 'Pushes waiting reached push.queueMax; the oldest was dropped.',
  },
  VIGIL_ERR_PUSH_STORE_CORRUPT: {
    exit: 1,
    message:
      'The push subscriptions or VAPID key file was unreadable; it was moved aside and the daemon went on.',
  },
  VIGIL_ERR_API_PLAIN_HTTP: {
    exit: 1,
    message:
      'The console is reachable on the network over plain HTTP: phones will not install it or get push (set api.tlsCertFile, or api.behindTlsProxy).',
  },
  VIGIL_ERR_INVARIANT: {
    exit: 1,
    message: 'An internal invariant was broken; the process exits so it can restart.',
  },
} as const satisfies Record<string, ErrorEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** The catalogue entry of a code. */
export function errorEntry(code: ErrorCode): ErrorEntry {
  return ERROR_CATALOGUE[code];
}

export interface ProblemDetail {
  /** JSON-pointer-like path of the offending field, e.g. `/cameras/0/zones/1/polygon`. */
  path: string;
  message: string;
}

export class VigilError extends Error {
  readonly code: ErrorCode;
  readonly details: readonly ProblemDetail[];

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: ProblemDetail[] } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'VigilError';
    this.code = code;
    this.details = Object.freeze([...(options.details ?? [])]);
  }

  /** A multi-line human report: the code and message, then one line per problem. */
  report(): string {
    const lines = [`${this.code}: ${this.message}`];
    for (const d of this.details) lines.push(`  - ${d.path || '/'}: ${d.message}`);
    return lines.join('\n');
  }
}

export function isVigilError(err: unknown, code?: ErrorCode): err is VigilError {
  return err instanceof VigilError && (code === undefined || err.code === code);
}

/** The message of anything thrown, for logs. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
