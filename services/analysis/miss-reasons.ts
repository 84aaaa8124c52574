import { hipFrame } from '../behaviour/concealment';
import type { PoseTracks } from '../behaviour/pose-tracks';
import { cameraOf } from '../behaviour/pose-zscore';
import { CATCH_AFTER_S, CATCH_BEFORE_S, theftEvents } from './alert-metrics';
import type { ClipAlert } from './clip-alerts';

/**
 * Why a theft event was, or was not, caught, from the rule's own runs (no copy of its logic):
 * - caught: an alert at the default operating point.
 * - cooldown: the default rule fired within the event, but the incident policy's zone or person
 *   cooldown held the alert back (an earlier incident of the clip).
 * - below-threshold: the reach, to-body and hold sequence completed, but the person's
 *   concealment score stayed under the threshold while the hand was held.
 * - sequence-incomplete: someone was judged (shoulders and hips seen, torso long enough), but
 *   the sequence never completed: no reach, no to-body, or a hold the hand did not keep.
 * - nobody-judged: no person with trusted shoulders and hips of at least minTorsoPx.
 */
export type MissReason =
  'caught' | 'cooldown' | 'below-threshold' | 'sequence-incomplete' | 'nobody-judged';

export const MISS_REASONS: readonly MissReason[] = [
  'caught',
  'cooldown',
  'below-threshold',
  'sequence-incomplete',
  'nobody-judged',
];

export interface EventVerdict {
  clip: string;
  camera: string;
  /** First and last label-1 frame. */
  first: number;
  last: number;
  reason: MissReason;
  /** Highest score of an act the sequence completed in the window (any threshold), if any. */
  actScore: number | null;
  /** Highest per-frame concealment score in the window (NOBODY_SCORE when nobody). */
  peakScore: number;
}

/** The same clip's alerts under three runs of the daemon's rules. */
export interface ClipRuns {
  /** The default config. */
  standard: readonly ClipAlert[];
  /** The default threshold with the incident cooldowns off. */
  uncooled: readonly ClipAlert[];
  /** The lowest threshold with the cooldowns off: every completed sequence. */
  anyScore: readonly ClipAlert[];
  /** Per frame, the highest concealment score. */
  scores: ArrayLike<number>;
}

/** Per frame: someone the rule judges (shoulders, hips trusted; torso at least minTorsoPx). */
export function judgedFrames(
  doc: PoseTracks,
  opts: { minKeypointScore: number; minTorsoPx: number },
): Uint8Array {
  const out = new Uint8Array(doc.frameCount);
  for (const t of doc.tracks)
    t.frames.forEach((f, i) => {
      const kps = t.keypoints[i]!.map(([x, y, score]) => ({ x, y, score }));
      const h = hipFrame(kps, opts.minKeypointScore);
      if (h && h.torso >= opts.minTorsoPx && f >= 0 && f < doc.frameCount) out[f] = 1;
    });
  return out;
}

/** The verdict on each theft event of a labelled clip. */
export function explainEvents(
  doc: PoseTracks,
  runs: ClipRuns,
  judged: ArrayLike<number>,
): EventVerdict[] {
  return theftEvents(doc.labels?.frames ?? []).map(([first, last]) => {
    const lo = Math.max(0, Math.floor(first - CATCH_BEFORE_S * doc.fps));
    const hi = Math.min(doc.frameCount - 1, Math.ceil(last + CATCH_AFTER_S * doc.fps));
    const inside = (a: readonly ClipAlert[]) => a.filter((x) => x.frame >= lo && x.frame <= hi);
    const acts = inside(runs.anyScore);
    let peakScore = -Infinity;
    let anyJudged = false;
    for (let f = lo; f <= hi; f++) {
      peakScore = Math.max(peakScore, runs.scores[f] ?? -Infinity);
      anyJudged ||= judged[f] === 1;
    }
    const reason: MissReason =
      inside(runs.standard).length > 0
        ? 'caught'
        : inside(runs.uncooled).length > 0
          ? 'cooldown'
          : acts.length > 0
            ? 'below-threshold'
            : anyJudged
              ? 'sequence-incomplete'
              : 'nobody-judged';
    return {
      clip: doc.clip,
      camera: cameraOf(doc),
      first,
      last,
      reason,
      actScore: acts.length > 0 ? Math.max(...acts.map((a) => a.score)) : null,
      peakScore,
    };
  });
}

/** How many events each reason holds, every reason present. */
export function countReasons(verdicts: readonly EventVerdict[]): Record<MissReason, number> {
  const out = Object.fromEntries(MISS_REASONS.map((r) => [r, 0])) as Record<MissReason, number>;
  for (const v of verdicts) out[v.reason]++;
  return out;
}
