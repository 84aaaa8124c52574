import type { Detection, TrackedPerson } from '../core/types';

/** Turns per-frame detections into people with ids that stay stable across frames. */
export interface Tracker {
  /** Returns the confirmed tracks seen in this frame. `timestampMs` is the frame's capture time. */
  update(detections: readonly Detection[], timestampMs: number): TrackedPerson[];
  /** Ids of tracks that ended (lost for too long) since the last call. */
  takeEnded(): number[];
}
