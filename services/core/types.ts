/** Types shared by the pipeline stages. Pixels of the analysis frame unless a name says otherwise. */

export interface Frame {
  /** Camera id from config. */
  camera: string;
  /** 0-based index of the frame as emitted by the decoder (after ffmpeg's fps filter). */
  index: number;
  /** Capture time, ms since the epoch (wall clock live; video time for offline analysis). */
  timestampMs: number;
  width: number;
  height: number;
  /** Packed RGB, width * height * 3 bytes. */
  rgb: Buffer;
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Keypoint {
  x: number;
  y: number;
  score: number;
}

/** One person found in one frame: 17 COCO keypoints, their box and the detection score. */
export interface Detection {
  box: Box;
  score: number;
  keypoints: Keypoint[];
  /** Colour signature for re-identification (tracking/appearance.ts), when computed. */
  appearance?: Float32Array;
}

export interface TrackedPerson extends Detection {
  trackId: number;
  /** Frames this track has been matched in. */
  hits: number;
  /** When the track was first seen, ms since epoch. */
  firstSeenMs: number;
  /**
   * True when the box is the tracker's prediction, not a detection: the model missed the person
   * this frame, or did not run on it (coasting between inferences). Keypoints are the last seen,
   * moved along with the box.
   */
  coasting?: boolean;
  /** Recent poses of this person, oldest first, bounded by tracking.historySize. */
  history: readonly PoseSample[];
}

export interface PoseSample {
  timestampMs: number;
  box: Box;
  score: number;
  keypoints: Keypoint[];
}

export const COCO_KEYPOINTS = [
  'nose',
  'left_eye',
  'right_eye',
  'left_ear',
  'right_ear',
  'left_shoulder',
  'right_shoulder',
  'left_elbow',
  'right_elbow',
  'left_wrist',
  'right_wrist',
  'left_hip',
  'right_hip',
  'left_knee',
  'right_knee',
  'left_ankle',
  'right_ankle',
] as const;

export type KeypointName = (typeof COCO_KEYPOINTS)[number];

export function keypointIndex(name: KeypointName): number {
  return COCO_KEYPOINTS.indexOf(name);
}
