import { randomUUID } from 'node:crypto';
import type { CameraConfig } from '../config/schema';
import type { Detection, Frame } from '../core/types';
import { copyFrame } from './frame-processor';
import { TamperDetector } from './tamper-detector';
import type { TamperEvent } from './tamper-detector';

/** A picture kept as evidence, with the people in it (their heads are blurred on the way out). */
export interface TamperPicture {
  frame: Frame;
  people: readonly Person[];
}

/** Someone in the picture, tracked or only seen by the model. */
type Person = Pick<Detection, 'box' | 'keypoints'>;

/** A tamper event of one camera with its incident id and, on `tamper`, the before/after pair. */
export interface TamperNotice {
  id: string;
  event: TamperEvent;
  before: TamperPicture | undefined;
  after: TamperPicture | undefined;
}

/** The last normal picture is refreshed this often (the `before` of an alert). */
const KEEP_NORMAL_MS = 2000;

/**
 * One camera's tamper detector in its pipeline: every frame goes through it (before the motion
 * gate: a black picture has no motion), and it keeps the last normal picture for the alert.
 */
export class TamperWatch {
  private readonly detector: TamperDetector;
  private normal: TamperPicture | undefined;
  private id: string | undefined;

  constructor(config: CameraConfig['tamper']) {
    this.detector = new TamperDetector(config);
  }

  /** The tampering in force now, or null. */
  get kind() {
    return this.detector.tampered;
  }

  push(frame: Frame, people: readonly Person[]): TamperNotice | undefined {
    const event = this.detector.push(frame.rgb, frame.width, frame.height, frame.timestampMs);
    const fine = this.detector.tampered === null && this.detector.last?.kind === null;
    if (
      fine &&
      (!this.normal || frame.timestampMs - this.normal.frame.timestampMs >= KEEP_NORMAL_MS)
    )
      this.normal = { frame: copyFrame(frame), people };
    if (!event) return undefined;
    if (event.type === 'tamper') {
      this.id = randomUUID();
      return {
        id: this.id,
        event,
        before: this.normal,
        after: { frame: copyFrame(frame), people },
      };
    }
    const id = this.id ?? randomUUID();
    this.id = undefined;
    return { id, event, before: undefined, after: undefined };
  }
}
