import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { VigilError } from '../core/errors';
import type { CueNorms } from './concealment-cues';
import type { PoseTrack, PoseTracks } from './pose-tracks';

/**
 * The pose z-score model (`vigil-pose-z/v1`), chosen by leave-one-camera-out validation on
 * PoseLift (npm run bench:behaviour): for each camera, the mean and spread of short windows of
 * normalised poses seen there (per feature: the window's mean and standard deviation of each
 * hip-centred, torso-scaled keypoint coordinate and of the body's motion). A window scores the
 * largest number of standard deviations any feature is from that camera's normal; a frame takes
 * its most unusual person, and the score is averaged over ±`smoothSeconds` (an act lasts seconds).
 * Scores are in units of the camera's own 99th percentile of normal windows. A camera never seen
 * in training is scored against the whole site.
 */
export interface ZStats {
  mean: number[];
  std: number[];
  /** 99th percentile of the training windows' raw score: scores are divided by it. */
  p99: number;
  windows: number;
  clips: number;
}

export interface PoseZMeta {
  format: 'vigil-pose-z/v1';
  /** Window length and the moving average's half-width, in seconds (frames follow each clip's fps). */
  windowSeconds: number;
  smoothSeconds: number;
  features: number;
  cameras: Record<string, ZStats>;
  site: ZStats;
  /** Each camera's normal of the concealment cues (cue-norms.ts); absent in older models. */
  cues?: Record<string, CueNorms>;
}

/** The camera a clip comes from: its `camera` field, else its name (`poselift-02_0216`: `02`). */
export function cameraOf(doc: Pick<PoseTracks, 'clip'> & { camera?: string }): string {
  if (doc.camera) return doc.camera;
  return /(?:^|[-_])([A-Za-z0-9]+)_\d+$/.exec(doc.clip)?.[1] ?? 'site';
}

/** Per frame: 17 keypoints relative to the hips in torso lengths (0 where unseen), body speed. */
export const Z_FRAME_FEATURES = 17 * 2 + 2;
const F = Z_FRAME_FEATURES;
const MIN_SCORE = 0.1;
const clamp = (v: number, m: number) => Math.max(-m, Math.min(m, v));

/** Frame features of one track: hip-centred, torso-scaled keypoints and |hip velocity| (torso/s). */
function trackFeatures(t: PoseTrack, fps: number): Float32Array {
  const n = t.frames.length;
  const out = new Float32Array(n * F);
  let prev: { x: number; y: number } | undefined;
  for (let i = 0; i < n; i++) {
    const k = t.keypoints[i]!;
    const hx = (k[11]![0] + k[12]![0]) / 2;
    const hy = (k[11]![1] + k[12]![1]) / 2;
    const sx = (k[5]![0] + k[6]![0]) / 2;
    const sy = (k[5]![1] + k[6]![1]) / 2;
    const torso = Math.max(1, Math.hypot(sx - hx, sy - hy));
    for (let j = 0; j < 17; j++) {
      const seen = k[j]![2] >= MIN_SCORE;
      out[i * F + 2 * j] = seen ? clamp((k[j]![0] - hx) / torso, 4) : 0;
      out[i * F + 2 * j + 1] = seen ? clamp((k[j]![1] - hy) / torso, 4) : 0;
    }
    const dt =
      i > 0 && t.frames[i]! > t.frames[i - 1]! ? (t.frames[i]! - t.frames[i - 1]!) / fps : 1 / fps;
    if (prev) {
      out[i * F + 34] = Math.abs(clamp((hx - prev.x) / torso / dt, 20));
      out[i * F + 35] = Math.abs(clamp((hy - prev.y) / torso / dt, 20));
    }
    prev = { x: hx, y: hy };
  }
  return out;
}

interface Span {
  track: number;
  from: number;
  to: number;
}

/**
 * Every window of `window` consecutive poses of each track (spanning at most 2x its length in
 * frames) as 2F numbers: each frame feature's mean and standard deviation over the window.
 */
function windowFeatures(doc: PoseTracks, window: number): { spans: Span[]; x: Float32Array } {
  const spans: Span[] = [];
  const rows: Float32Array[] = [];
  doc.tracks.forEach((t, ti) => {
    if (t.frames.length < window) return;
    const feats = trackFeatures(t, doc.fps);
    for (let s = 0; s + window <= t.frames.length; s++) {
      const e = s + window - 1;
      if (t.frames[e]! - t.frames[s]! > window * 2) continue;
      const row = new Float32Array(2 * F);
      for (let j = 0; j < F; j++) {
        let sum = 0;
        let sum2 = 0;
        for (let i = s; i <= e; i++) {
          const v = feats[i * F + j]!;
          sum += v;
          sum2 += v * v;
        }
        const m = sum / window;
        row[j] = m;
        row[F + j] = Math.sqrt(Math.max(0, sum2 / window - m * m));
      }
      rows.push(row);
      spans.push({ track: ti, from: s, to: e });
    }
  });
  const x = new Float32Array(rows.length * 2 * F);
  rows.forEach((r, i) => x.set(r, i * 2 * F));
  return { spans, x };
}

function rawScores(x: Float32Array, s: Pick<ZStats, 'mean' | 'std'>): Float32Array {
  const dim = s.mean.length;
  const n = x.length / dim;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let max = 0;
    for (let j = 0; j < dim; j++) {
      const z = Math.abs((x[i * dim + j]! - s.mean[j]!) / s.std[j]!);
      if (z > max) max = z;
    }
    out[i] = max;
  }
  return out;
}

function fit(x: Float32Array, dim: number, clips: number): ZStats {
  const n = x.length / dim;
  const mean = new Array<number>(dim).fill(0);
  const std = new Array<number>(dim).fill(0);
  for (let i = 0; i < x.length; i++) mean[i % dim]! += x[i]! / n;
  for (let i = 0; i < x.length; i++) std[i % dim]! += (x[i]! - mean[i % dim]!) ** 2 / n;
  for (let j = 0; j < dim; j++) std[j] = Math.sqrt(std[j]!) + 1e-3;
  const raw = rawScores(x, { mean, std }).sort();
  const p99 = raw[Math.min(raw.length - 1, Math.floor(0.99 * (raw.length - 1)))] ?? 1;
  return { mean, std, p99: p99 || 1, windows: n, clips };
}

/** Frames of `seconds` at `fps` (at least 4: a window needs motion). */
export const framesOf = (seconds: number, fps: number) => Math.max(4, Math.round(seconds * fps));

function featuresOf(doc: PoseTracks, windowSeconds: number) {
  return windowFeatures(doc, framesOf(windowSeconds, doc.fps));
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Moving average over ±k frames. */
export function smoothScores(s: Float32Array, k: number): Float32Array {
  if (k <= 0) return s;
  const c = new Float64Array(s.length + 1);
  for (let i = 0; i < s.length; i++) c[i + 1] = c[i]! + s[i]!;
  const out = new Float32Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const lo = Math.max(0, i - k);
    const hi = Math.min(s.length, i + k + 1);
    out[i] = (c[hi]! - c[lo]!) / (hi - lo);
  }
  return out;
}

export class PoseZModel {
  constructor(readonly meta: PoseZMeta) {}

  /** One set of statistics per camera of `docs` (cameraOf), and one for the whole site. */
  static train(
    docs: readonly PoseTracks[],
    o: {
      windowSeconds: number;
      smoothSeconds: number;
      onCamera?: (camera: string, done: number, of: number) => void;
    },
  ): PoseZModel {
    const dim = 2 * F;
    const byCamera = new Map<string, { x: Float32Array[]; clips: number }>();
    for (const d of docs) {
      const cam = cameraOf(d);
      const e = byCamera.get(cam) ?? { x: [], clips: 0 };
      e.x.push(featuresOf(d, o.windowSeconds).x);
      e.clips++;
      byCamera.set(cam, e);
    }
    const all = concat([...byCamera.values()].flatMap((e) => e.x));
    if (all.length / dim < 10)
      throw new VigilError(
        'VIGIL_ERR_INPUT_MISSING',
        `only ${all.length / dim} pose windows to learn from: record more normal activity first`,
      );
    const cameras: Record<string, ZStats> = {};
    let done = 0;
    for (const [cam, e] of [...byCamera].sort(([a], [b]) => a.localeCompare(b))) {
      const x = concat(e.x);
      // A camera with too little footage is scored against the site.
      if (x.length / dim >= 50) cameras[cam] = fit(x, dim, e.clips);
      o.onCamera?.(cam, ++done, byCamera.size);
    }
    return new PoseZModel({
      format: 'vigil-pose-z/v1',
      windowSeconds: o.windowSeconds,
      smoothSeconds: o.smoothSeconds,
      features: dim,
      cameras,
      site: fit(all, dim, docs.length),
    });
  }

  /** The same model with each camera's concealment cue norms (cue-norms.ts learnCueNorms). */
  withCueNorms(cues: Record<string, CueNorms>): PoseZModel {
    return new PoseZModel({ ...this.meta, cues });
  }

  /** The statistics a clip of `camera` is scored against: its own, else the site's. */
  statsFor(camera: string | undefined): ZStats {
    return (camera !== undefined && this.meta.cameras[camera]) || this.meta.site;
  }

  /** One score per frame (higher is more suspicious); `camera` defaults to cameraOf(doc). */
  scoreClip(doc: PoseTracks & { camera?: string }, camera = cameraOf(doc)): Float32Array {
    const stats = this.statsFor(camera);
    const scores = new Float32Array(doc.frameCount);
    const { spans, x } = featuresOf(doc, this.meta.windowSeconds);
    const raw = rawScores(x, stats);
    spans.forEach((s, i) => {
      const v = raw[i]! / stats.p99;
      const t = doc.tracks[s.track]!;
      for (let k = s.from; k <= s.to; k++) {
        const f = t.frames[k]!;
        if (f < scores.length && v > scores[f]!) scores[f] = v;
      }
    });
    return smoothScores(scores, Math.round(this.meta.smoothSeconds * doc.fps));
  }

  /** Poses of a track the live watcher needs before it can score it (one window). */
  windowFrames(fps: number): number {
    return framesOf(this.meta.windowSeconds, fps);
  }

  save(dir: string): void {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'meta.json'), `${JSON.stringify(this.meta)}\n`);
  }
}
