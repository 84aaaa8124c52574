import type { Detection, TrackedPerson } from '../core/types';

/** Turns per-frame detections into people with ids that stay stable across frames. */
export interface Tracker {
  /** Returns the confirmed tracks seen in this frame. `timestampMs` is the frame's capture time. */
  update(detections: readonly Detection[], timestampMs: number): TrackedPerson[];
  /**
   * A frame the model did not see: the tracks move to their predicted boxes at `timestampMs` and
   * are returned marked `coasting`; nobody is matched, lost or ended. Timestamps must not go back.
   */
  coast(timestampMs: number): TrackedPerson[];
  /** Ids of tracks that ended (lost for too long) since the last call. */
  takeEnded(): number[];
  /**
   * The id the next new track gets. A camera restarted live starts its new tracker here, so a
   * new person never takes an old one's id (incident keys, cooldowns and the alert history
   * would take them for the same person).
   */
  readonly nextTrackId: number;
}
