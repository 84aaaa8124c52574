import type { TrackedPerson } from '../core/types';
import type { RuleEvent } from './rule-event';
import type { PixelZone } from './zones';

/** What a rule sees of one analysed (or coasted) frame: its people and its time. */
export interface RuleFrame {
  /** The confirmed tracks of the frame (coasted ones marked `coasting`). */
  tracks: readonly TrackedPerson[];
  /** The frame's capture time, ms since epoch: every rule times itself on it, never on a clock. */
  nowMs: number;
}

/** Why a rule set is flushed: the camera stops (or restarts), or the analysed file ended. */
export type FlushReason = 'stopped' | 'ended';

/**
 * One behaviour rule of one camera. The rule set (rule-set.ts) builds the rules a config asks
 * for and calls them in order on every frame; the pipeline knows only the rule set.
 * A rule's incident opens with one `start` event and closes with one `end`: `flush` closes every
 * incident still open (the camera stopped), so none outlives its pipeline.
 */
export interface Rule {
  /** The rule's name in logs and the config ('loitering', 'concealment', ...). */
  readonly name: string;
  /** The camera's zones, in pixels of the analysis frame: effective from the next frame. */
  setZones(zones: readonly PixelZone[]): void;
  evaluate(frame: RuleFrame): RuleEvent[];
  /** `end` events for every incident still open, at `nowMs`; the rule then holds nothing. */
  flush(nowMs: number, reason: FlushReason): RuleEvent[];
}
