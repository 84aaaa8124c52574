/**
 * The one error class of Vigil and the catalogue of its stable codes. Codes never change meaning;
 * integrators match on them. The README lists them (generated from this table by a test).
 */
export const ERROR_CODES = {
  VIGIL_ERR_CONFIG_INVALID: 'The configuration file failed validation; every problem is listed.',
  VIGIL_ERR_CONFIG_READ: 'The configuration file could not be read or is not valid YAML.',
  VIGIL_ERR_MODEL_CHECKSUM:
    'A model file does not match the sha256 listed in models/manifest.json.',
  VIGIL_ERR_MODEL_MISSING: 'A model file listed in models/manifest.json is missing.',
  VIGIL_ERR_MODEL_LOAD: 'The model files are intact but the model could not be loaded.',
  VIGIL_ERR_MODEL_CONVERT:
    'The verified tfjs pose model could not be converted to ONNX for the configured input size.',
  VIGIL_ERR_BACKEND_UNAVAILABLE: 'The inference backend forced in config cannot be loaded here.',
  VIGIL_ERR_FFMPEG_MISSING: 'No usable ffmpeg binary was found (system or bundled).',
  VIGIL_ERR_STREAM_EXITED: 'ffmpeg exited; the camera reconnects with backoff.',
  VIGIL_ERR_STREAM_STALLED: 'No frame arrived within the watchdog time; ffmpeg was restarted.',
  VIGIL_ERR_STREAM_AUTH:
    'The camera refused the credentials (RTSP 401/403); retried slowly, at most once per 30 s.',
  VIGIL_ERR_STREAM_UNREACHABLE:
    'The camera does not answer (connection refused, timed out, no route); probed until it does.',
  VIGIL_ERR_ONVIF_AUTH:
    'The ONVIF device refused the credentials (or none were given); nothing was read from it.',
  VIGIL_ERR_ONVIF_UNREACHABLE: 'The ONVIF device did not answer at its address in time.',
  VIGIL_ERR_ONVIF_FAILED:
    'The ONVIF device answered but not as expected (no media profile, no stream URI, a SOAP fault).',
  VIGIL_ERR_CAMERA_EXISTS: 'A camera with this id is already configured.',
  VIGIL_ERR_DISCOVERY_FAILED: 'WS-Discovery could not run (no such interface, socket error).',
  VIGIL_ERR_CAMERA_OFFLINE: 'A camera stayed down longer than its offline alert threshold.',
  VIGIL_ERR_FRAME_CORRUPT: 'A frame of the wrong size reached the pipeline and was dropped.',
  VIGIL_ERR_INFERENCE_FAILED: 'Pose inference failed on one frame; the frame was skipped.',
  VIGIL_ERR_INFERENCE_TIMEOUT:
    'A pose worker did not answer in time; the frame was skipped and the worker replaced.',
  VIGIL_ERR_POSE_WORKER_DOWN:
    'A pose worker died or could not be started; it is started again with backoff (1 s to 60 s).',
  VIGIL_ERR_SNAPSHOT_FAILED: 'The alert snapshot could not be rendered or written.',
  VIGIL_ERR_CLIP_FAILED:
    'An event clip could not be made (no recording covers the incident, the stream is in a codec MP4 cannot hold, ffmpeg failed); the end is sent without it.',
  VIGIL_ERR_CLIP_RING_FAILED:
    'The clip ring could not be written (disk full, folder gone); clips resume by themselves once it can.',
  VIGIL_ERR_MQTT_PUBLISH: 'An MQTT publish failed.',
  VIGIL_ERR_OUTBOX_FULL:
    'The alert outbox reached its size limit; the oldest undelivered message was dropped.',
  VIGIL_ERR_OUTBOX_TOPIC:
    'A message for a topic Vigil may not publish (empty, a wildcard, outside vigil/ and the Home Assistant prefix) was set aside, never sent.',
  VIGIL_ERR_STATE_CORRUPT:
    'A state file under dataDir failed validation; it was moved aside as <name>.corrupt-<time> (bad lines only for line files) and its good records kept.',
  VIGIL_ERR_DISK_WRITE:
    'A state file or the outbox could not be written (disk full, read-only); kept in memory and retried until the disk takes it again.',
  VIGIL_ERR_COMMAND_INVALID:
    'A clerk command (ack, snooze) was malformed or named an unknown alert; it was ignored.',
  VIGIL_ERR_BROKER_START: 'The embedded MQTT broker could not listen on its address.',
  VIGIL_ERR_MQTT_PACKET_REFUSED:
    'The embedded broker closed a connection that sent a packet larger than it may (before login: a small CONNECT), or did not log in in time.',
  VIGIL_ERR_MQTT_DENIED:
    "The broker dropped Vigil's connection at each publish to a topic its ACL denies; publishing there stopped until restart, alerts go on.",
  VIGIL_ERR_API_START: 'The HTTP API could not listen on its address.',
  VIGIL_ERR_UNAUTHORIZED: 'The request has no valid bearer token.',
  VIGIL_ERR_FORBIDDEN: 'The token is valid but its role may not do this (viewer on a write).',
  VIGIL_ERR_NOT_FOUND: 'No such route, camera, zone or alert.',
  VIGIL_ERR_REQUEST_INVALID:
    'The request body, query or path failed validation; the field is named.',
  VIGIL_ERR_BAD_JSON: 'The request body is not valid JSON.',
  VIGIL_ERR_UNSUPPORTED_MEDIA: 'The request body is not application/json.',
  VIGIL_ERR_BODY_TOO_LARGE: 'The request body exceeds the limit.',
  VIGIL_ERR_PRECONDITION_REQUIRED: 'A change needs an If-Match header with the current ETag.',
  VIGIL_ERR_PRECONDITION_FAILED:
    'If-Match does not match the current config: someone changed it first.',
  VIGIL_ERR_RATE_LIMITED: 'Too many requests from this client; retry later.',
  VIGIL_ERR_CONFIG_WRITE: 'The new config could not be written to disk; nothing was changed.',
  VIGIL_ERR_CONFIG_APPLY:
    'A saved config change could not be applied to the running daemon; the previous config was restored and applied.',
  VIGIL_ERR_INPUT_MISSING: 'An input file given on the command line does not exist.',
  VIGIL_ERR_USAGE: 'The command line is not valid.',
  VIGIL_ERR_PUSH_FAILED:
    'A Web Push could not be sent (timeout, network, the push service refused it); the alert itself is not affected.',
  VIGIL_ERR_PUSH_ENDPOINT_REFUSED:
    'A push subscription names an endpoint outside push.endpointHosts (https only): refused, nothing is sent there.',
  VIGIL_ERR_PUSH_QUEUE_FULL: 'Pushes waiting reached push.queueMax; the oldest was dropped.',
  VIGIL_ERR_PUSH_STORE_CORRUPT:
    'The push subscriptions or VAPID key file was unreadable; it was moved aside and the daemon went on.',
  VIGIL_ERR_API_PLAIN_HTTP:
    'The console is reachable on the network over plain HTTP: phones will not install it or get push (set api.tlsCertFile, or api.behindTlsProxy).',
  VIGIL_ERR_INVARIANT: 'An internal invariant was broken; the process exits so it can restart.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

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
