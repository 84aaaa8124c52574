import type { Keypoint, TrackedPerson } from '../core/types';

/**
 * What a pose says about concealment, in body units (torso lengths, relative keypoint scores), so
 * that a near and a far person, or two cameras, read alike and nothing is fitted per camera.
 * Each cue is centred on typical normal shopping and divided by its usual spread (defaults below,
 * measured on normal footage of six cameras: method constants, not a model); the score is their
 * mean, averaged over the last `smoothSeconds`. About 0 is ordinary shopping; 1 or more is
 * someone standing head down, elbows bent, hands together at the waist band and going out of
 * sight, which is what hiding an item in a pocket, bag or clothing looks like.
 */
export interface ConcealmentCues {
  /** Nose below the shoulder line (torso lengths): looking down at one's hands. */
  headDown: number;
  /** Cosine of the more bent elbow's angle (1: folded, -1: straight arm). */
  elbowBent: number;
  /** Minus the distance between the wrists (torso lengths): hands working together. */
  handsTogether: number;
  /** How much less sure the model is of a wrist than of the torso: a hand going out of sight. */
  wristHidden: number;
  /** Closeness of a wrist to the waist band (hip line, within the body's width): pockets, belt. */
  waistBand: number;
}

export type CueName = keyof ConcealmentCues;

/** Centre and spread of each cue on a camera's normal shopping. */
export type CueNorms = Record<CueName, { centre: number; spread: number }>;

/** Centre and spread of each cue on normal shopping (rounded; chosen on PoseLift train/). */
export const CUE_NORMS: CueNorms = {
  headDown: { centre: -0.25, spread: 0.3 },
  elbowBent: { centre: -0.2, spread: 0.7 },
  handsTogether: { centre: -0.7, spread: 0.55 },
  wristHidden: { centre: 0.35, spread: 0.35 },
  waistBand: { centre: 0.65, spread: 0.35 },
};

const KP = { nose: 0, lSh: 5, rSh: 6, lEl: 7, rEl: 8, lWr: 9, rWr: 10, lHip: 11, rHip: 12 };
const ARMS = [
  [KP.lSh, KP.lEl, KP.lWr],
  [KP.rSh, KP.rEl, KP.rWr],
] as const;
/** Keypoints below this are absent ([0, 0, 0] in pose-tracks/v1) and give a neutral cue. */
const SEEN = 0.02;
/** The waist band: this far above or below the hip line, this far beyond the hips' width (torso lengths). */
const WAIST_HALF_HEIGHT = 0.35;
const WAIST_HALF_WIDTH = 0.5;

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));
const mid = (a: Keypoint, b: Keypoint) => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });

/** The cues of one pose, or undefined when shoulders and hips are not all there. */
export function cuesOf(kps: readonly Keypoint[]): ConcealmentCues | undefined {
  const core = [KP.lSh, KP.rSh, KP.lHip, KP.rHip].map((i) => kps[i]!);
  if (core.some((k) => !k || k.score < SEEN)) return undefined;
  const sh = mid(core[0]!, core[1]!);
  const hip = mid(core[2]!, core[3]!);
  const torso = Math.max(Math.hypot(sh.x - hip.x, sh.y - hip.y), 1);
  const torsoScore = core.reduce((s, k) => s + k.score, 0) / 4;
  const neutral = (c: CueName) => CUE_NORMS[c].centre;
  const nose = kps[KP.nose]!;
  const headDown = nose.score >= SEEN ? clamp((nose.y - sh.y) / torso, -2, 1) : neutral('headDown');
  let elbowBent = -Infinity;
  let wristHidden = -Infinity;
  let waistBand = -Infinity;
  for (const [s, e, w] of ARMS) {
    const [S, E, W] = [kps[s]!, kps[e]!, kps[w]!];
    wristHidden = Math.max(wristHidden, clamp(1 - W.score / Math.max(torsoScore, 1e-3), -1, 1));
    if (W.score < SEEN) continue;
    if (E.score >= SEEN && S.score >= SEEN) {
      const a = { x: S.x - E.x, y: S.y - E.y };
      const b = { x: W.x - E.x, y: W.y - E.y };
      const n = Math.max(Math.hypot(a.x, a.y) * Math.hypot(b.x, b.y), 1e-3);
      elbowBent = Math.max(elbowBent, (a.x * b.x + a.y * b.y) / n);
    }
    const dy = (W.y - hip.y) / torso;
    const dx = Math.max(0, Math.abs(W.x - hip.x) / torso - WAIST_HALF_WIDTH);
    waistBand = Math.max(
      waistBand,
      Math.exp(-((dy / WAIST_HALF_HEIGHT) ** 2)) * Math.exp(-((dx / WAIST_HALF_HEIGHT) ** 2)),
    );
  }
  const [lw, rw] = [kps[KP.lWr]!, kps[KP.rWr]!];
  const handsTogether =
    lw.score >= SEEN && rw.score >= SEEN
      ? -Math.min(Math.hypot(lw.x - rw.x, lw.y - rw.y) / torso, 3)
      : neutral('handsTogether');
  return {
    headDown,
    elbowBent: Number.isFinite(elbowBent) ? elbowBent : neutral('elbowBent'),
    handsTogether,
    wristHidden,
    waistBand: Number.isFinite(waistBand) ? waistBand : neutral('waistBand'),
  };
}

/** The instantaneous score of a pose's cues: the mean of their normalised values. */
export function cueScore(c: ConcealmentCues, norms: CueNorms = CUE_NORMS): number {
  const names = Object.keys(norms) as CueName[];
  return names.reduce((s, n) => s + (c[n] - norms[n].centre) / norms[n].spread, 0) / names.length;
}

interface Trail {
  samples: { atMs: number; score: number }[];
  cues?: ConcealmentCues;
  lastMs: number;
}

/**
 * How long a person's score is averaged (s): an act of concealment lasts seconds, a glance at
 * one's hands does not (on PoseLift, with each camera's own norms, 2 s caught 4 of 17 thefts at
 * under 2 false alerts per camera-hour where 1 s caught 2: README "Shoplifting alerts").
 */
export const SMOOTH_SECONDS = 2;

/**
 * Each tracked person's concealment score, averaged over the last `smoothSeconds` of observed
 * poses (a predicted box adds nothing), each cue scored against `norms`: the camera's own normal
 * when the site learned it (cue-norms.ts), else the built-in one. Forgets people unseen for
 * `forgetMs`.
 */
export class ConcealmentScorer {
  private readonly trails = new Map<number, Trail>();

  constructor(
    private readonly smoothSeconds = SMOOTH_SECONDS,
    private readonly forgetMs = 10_000,
    private readonly norms: CueNorms = CUE_NORMS,
  ) {}

  update(people: readonly TrackedPerson[], nowMs: number): void {
    for (const p of people) {
      if (p.coasting) continue;
      const cues = cuesOf(p.keypoints);
      let t = this.trails.get(p.trackId);
      if (!t) this.trails.set(p.trackId, (t = { samples: [], lastMs: nowMs }));
      t.lastMs = nowMs;
      t.cues = cues;
      if (cues) t.samples.push({ atMs: nowMs, score: cueScore(cues, this.norms) });
      while (t.samples.length > 0 && nowMs - t.samples[0]!.atMs >= this.smoothSeconds * 1000)
        t.samples.shift();
    }
    for (const [id, t] of this.trails) if (nowMs - t.lastMs > this.forgetMs) this.trails.delete(id);
  }

  /** The person's smoothed score, or undefined before a pose with torso was seen. */
  scoreOf(trackId: number): number | undefined {
    const s = this.trails.get(trackId)?.samples;
    if (!s || s.length === 0) return undefined;
    return s.reduce((a, x) => a + x.score, 0) / s.length;
  }

  /** The person's latest cues (evidence). */
  cuesOf(trackId: number): ConcealmentCues | undefined {
    return this.trails.get(trackId)?.cues;
  }

  /** The highest smoothed score among these people (a frame's score), -Infinity for none. */
  maxOf(people: readonly TrackedPerson[]): number {
    return people.reduce((m, p) => Math.max(m, this.scoreOf(p.trackId) ?? -Infinity), -Infinity);
  }
}
