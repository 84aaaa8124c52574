import { CUE_NORMS, cuesOf } from './concealment-cues';
import type { CueName, CueNorms } from './concealment-cues';
import type { PoseTracks } from './pose-tracks';
import { cameraOf } from './pose-zscore';

/**
 * A site's own normal, for the concealment score: per camera, the mean and spread of each cue
 * (concealment-cues.ts) over every pose its normal recordings hold. Each camera's angle and
 * shelves make its ordinary gestures look different (heads lower under a high camera, hands at
 * the waist in a narrow aisle); scoring a cue against that camera's own normal discounts what is
 * common there. Learned by `behaviour train` from the daemon's own recordings: nothing fitted
 * on labels, no numbers per camera in the config.
 */
export type CueNormsByCamera = Record<string, CueNorms>;

/** Poses a camera needs (one minute of one person at 15 fps) before its own normal is trusted. */
export const MIN_NORM_POSES = 900;
/** A learned spread never goes below this share of the built-in one (a camera of still people). */
const MIN_SPREAD_SHARE = 0.5;

const NAMES = Object.keys(CUE_NORMS) as CueName[];

/** Each camera's cue norms, for the cameras with at least MIN_NORM_POSES scorable poses. */
export function learnCueNorms(docs: readonly PoseTracks[]): CueNormsByCamera {
  const sums = new Map<string, { n: number; s: number[]; s2: number[] }>();
  for (const d of docs) {
    const cam = cameraOf(d);
    const acc = sums.get(cam) ?? { n: 0, s: NAMES.map(() => 0), s2: NAMES.map(() => 0) };
    sums.set(cam, acc);
    for (const t of d.tracks)
      for (const pose of t.keypoints) {
        const c = cuesOf(pose.map(([x, y, score]) => ({ x, y, score })));
        if (!c) continue;
        acc.n++;
        NAMES.forEach((n, i) => {
          acc.s[i]! += c[n];
          acc.s2[i]! += c[n] * c[n];
        });
      }
  }
  const out: CueNormsByCamera = {};
  for (const [cam, acc] of [...sums].sort(([a], [b]) => a.localeCompare(b))) {
    if (acc.n < MIN_NORM_POSES) continue;
    out[cam] = Object.fromEntries(
      NAMES.map((n, i) => {
        const centre = acc.s[i]! / acc.n;
        const sd = Math.sqrt(Math.max(0, acc.s2[i]! / acc.n - centre * centre));
        const spread = Math.max(sd, MIN_SPREAD_SHARE * CUE_NORMS[n].spread);
        return [n, { centre: round(centre), spread: round(spread) }];
      }),
    ) as CueNorms;
  }
  return out;
}

const round = (v: number) => Math.round(v * 1e4) / 1e4;

/**
 * Norms for judging normal clips without judging any clip against a normal learned from itself:
 * each camera's clips (by name) alternate between two halves, and a clip gets the norms learned
 * from the other half (undefined where that half is too short: the built-in norms).
 */
export function crossFitCueNorms(
  docs: readonly PoseTracks[],
): (doc: Pick<PoseTracks, 'clip'> & { camera?: string }) => CueNorms | undefined {
  const half = new Map<string, number>();
  const seen = new Map<string, number>();
  for (const d of [...docs].sort((a, b) => a.clip.localeCompare(b.clip))) {
    const n = seen.get(cameraOf(d)) ?? 0;
    half.set(d.clip, n % 2);
    seen.set(cameraOf(d), n + 1);
  }
  const other = [0, 1].map((k) => learnCueNorms(docs.filter((d) => half.get(d.clip) !== k)));
  return (d) => {
    const k = half.get(d.clip);
    return k === undefined ? undefined : other[k]![cameraOf(d)];
  };
}

/** True when `x` is a map of cameras to every cue's finite centre and positive spread. */
export function validCueNorms(x: unknown): x is CueNormsByCamera {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  return Object.values(x as Record<string, unknown>).every((cam) =>
    NAMES.every((n) => {
      const v = (cam as Record<string, { centre?: unknown; spread?: unknown }> | null)?.[n];
      return (
        typeof v?.centre === 'number' &&
        Number.isFinite(v.centre) &&
        typeof v.spread === 'number' &&
        Number.isFinite(v.spread) &&
        v.spread > 0
      );
    }),
  );
}
