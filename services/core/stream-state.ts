/** The states of one camera's stream; the status topic, the API and metrics report them. */
export const STREAM_STATES = [
  'connecting',
  'streaming',
  'stalled',
  'backoff',
  'auth_failed',
  'unreachable',
  'stopped',
  /** A file without `loop` played to its end: the camera finished (no reconnect, no offline). */
  'ended',
] as const;
export type StreamState = (typeof STREAM_STATES)[number];
