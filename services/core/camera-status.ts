import type { TamperKind } from './tamper-kind';
import type { ErrorCode } from './errors';
import type { StreamState } from './stream-state';

/**
 * What a camera reports of itself (API, MQTT status, metrics, alerts): types shared by the
 * stages, so alerts/ and api/ need nothing from camera/ or pipeline/.
 */
export interface StreamError {
  code: ErrorCode;
  message: string;
  at: string;
  /** ffmpeg's last stderr lines at the failure. */
  stderr: string[];
}

export interface CameraHealthEvent {
  /** One id per outage: the offline and the online message share it. */
  id: string;
  type: 'camera_offline' | 'camera_online';
  downSinceMs: number;
  atMs: number;
  state: StreamState;
}

/** The inference worker pool, shared by every camera. */
export interface InferencePoolStatus {
  /** ok: every wanted worker runs; degraded: some are being replaced; down: none runs. */
  state: 'ok' | 'degraded' | 'down';
  workers: number;
  wanted: number;
  /** Replacements waiting on the backoff ladder or starting. */
  replacing: number;
  /** Jobs that took longer than the timeout (their workers were replaced). */
  timeouts: number;
  /** Workers that exited. */
  deaths: number;
  /** Replacements that could not start (retried further apart). */
  respawnFailures: number;
  /** Model runs of all workers so far, ms (busy share = its growth / (workers x elapsed)). */
  busyMs: number;
  /** Tiles or frames waiting for a free worker now. */
  waiting: number;
  lastError: { code: ErrorCode; message: string; at: string } | null;
}

export interface CameraStatus {
  id: string;
  name: string;
  state: StreamState;
  inputFps: number;
  analysedFps: number;
  framesIn: number;
  framesAnalysed: number;
  droppedFrames: number;
  /** Frames the motion gate let pass without inference (nothing moved). */
  skippedNoMotion: number;
  /** Analysed frames per second that the model saw (the rest of analysedFps was coasted). */
  modelFps: number;
  /**
   * Overloaded: frames need the model but it has run under inference.minModelFps (or the
   * analysis rate, if lower) for more than 5 s. /readyz is 503 while any camera is.
   */
  degraded: boolean;
  /**
   * Why the camera is degraded (null while it is not): `overloaded` (the shared model cannot
   * serve every camera its floor), `workers_down` (no inference worker runs), or
   * `inference_failing` (model runs fail); `degradedDetail` says it in words, with figures.
   */
  degradedReason: 'overloaded' | 'workers_down' | 'inference_failing' | null;
  degradedDetail: string | null;
  /**
   * Frames analysed on the tracker's prediction because the model was busy with other cameras
   * (inference.coastWhenBusy): counted in framesAnalysed, not in modelFps.
   */
  framesCoasted: number;
  /** Capture to analysed (events dispatched), over the last 256 analysed frames; null before any. */
  latencyMs: { p50: number; p95: number } | null;
  /** Capture to alert dispatched, over the last 64 frames that raised alert messages. */
  alertLatencyMs: { p50: number; p95: number } | null;
  inferenceErrors: number;
  /** Of inferenceErrors, the frames whose model run timed out (a stuck worker). */
  inferenceTimeouts: number;
  /** The shared inference worker pool (null: the model runs on the main thread). */
  inferencePool: InferencePoolStatus | null;
  lastInferenceMs: number | null;
  tracks: number;
  restarts: number;
  /** Seconds spent in each stream state since the camera started. */
  secondsInStates: Record<StreamState, number>;
  source: { width: number; height: number; fps: number | null; codec: string } | null;
  lastError: StreamError | null;
  /** The tampering in force on the picture (covered, blinded, moved, defocused), or null. */
  tamper: TamperKind | null;
}
