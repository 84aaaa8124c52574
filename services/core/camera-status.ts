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
   * Frames analysed on the tracker's prediction because the model was busy with other cameras
   * (inference.coastWhenBusy): counted in framesAnalysed, not in modelFps.
   */
  framesCoasted: number;
  /** Capture to analysed (events dispatched), over the last 256 analysed frames; null before any. */
  latencyMs: { p50: number; p95: number } | null;
  /** Capture to alert dispatched, over the last 64 frames that raised alert messages. */
  alertLatencyMs: { p50: number; p95: number } | null;
  inferenceErrors: number;
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
