import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { VigilError } from '../core/errors';
import { FRAME_FEATURES, frameFeatures } from './pose-features';
import type { Pose } from './pose-features';
import type { PoseTrack, PoseTracks } from './pose-tracks';

/**
 * A pose-sequence anomaly model learned from normal behaviour only: an autoencoder over short
 * windows of normalised poses. What it reconstructs badly is unlike anything seen on this site.
 */
export interface AnomalyMeta {
  format: 'vigil-pose-ae/v1';
  window: number;
  features: number;
  mean: number[];
  std: number[];
  /** Reconstruction errors of the training windows: scores are divided by p99. */
  errorP50: number;
  errorP99: number;
  trained: { clips: number; windows: number; epochs: number; seed: number; finalLoss: number };
}

export interface TrainOptions {
  window: number;
  epochs: number;
  seed: number;
  batchSize: number;
  onEpoch?: (epoch: number, epochs: number, loss: number) => void;
}

export interface WindowSet {
  data: Float32Array;
  /** For each window: its track index and the positions (in the track) it covers. */
  spans: { track: number; from: number; to: number }[];
}

/** All windows of `window` consecutive poses (gaps of at most 2 frames) of every track. */
export function windowsOf(tracks: readonly PoseTrack[], fps: number, window: number): WindowSet {
  const F = FRAME_FEATURES;
  const rows: Float32Array[] = [];
  const spans: WindowSet['spans'] = [];
  tracks.forEach((t, ti) => {
    const feats = new Float32Array(t.frames.length * F);
    const ok = t.frames.map((f, i) => {
      const prevIdx = i > 0 && f - t.frames[i - 1]! <= 3 ? i - 1 : -1;
      const dt = prevIdx >= 0 ? (f - t.frames[prevIdx]!) / fps : 0;
      return frameFeatures(
        t.keypoints[i] as Pose,
        prevIdx >= 0 ? (t.keypoints[prevIdx] as Pose) : undefined,
        dt,
        feats,
        i * F,
      );
    });
    for (let s = 0; s + window <= t.frames.length; s++) {
      const e = s + window - 1;
      if (t.frames[e]! - t.frames[s]! > window * 3) continue;
      let good = true;
      for (let i = s; i <= e && good; i++) good = ok[i]!;
      if (!good) continue;
      rows.push(feats.subarray(s * F, (e + 1) * F));
      spans.push({ track: ti, from: s, to: e });
    }
  });
  const data = new Float32Array(rows.length * window * F);
  rows.forEach((r, i) => data.set(r, i * window * F));
  return { data, spans };
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function buildModel(dim: number, seed: number): tfl.Sequential {
  const init = (k: number) => tfl.initializers.glorotUniform({ seed: seed + k });
  const m = tfl.sequential();
  m.add(
    tfl.layers.dense({
      inputShape: [dim],
      units: 96,
      activation: 'relu',
      kernelInitializer: init(1),
    }),
  );
  m.add(tfl.layers.dense({ units: 24, activation: 'relu', kernelInitializer: init(2) }));
  m.add(tfl.layers.dense({ units: 96, activation: 'relu', kernelInitializer: init(3) }));
  m.add(tfl.layers.dense({ units: dim, kernelInitializer: init(4) }));
  m.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
  return m;
}

function standardise(data: Float32Array, dim: number, mean: number[], std: number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = (data[i]! - mean[i % dim]!) / std[i % dim]!;
  return out;
}

/** Per-window mean squared reconstruction error. */
function errors(model: tfl.LayersModel, x: Float32Array, dim: number): Float32Array {
  const n = x.length / dim;
  const out = new Float32Array(n);
  const batch = 2048;
  for (let s = 0; s < n; s += batch) {
    const m = Math.min(batch, n - s);
    const e = tf.tidy(() => {
      const xb = tf.tensor2d(x.subarray(s * dim, (s + m) * dim), [m, dim]);
      const y = model.predict(xb) as tf.Tensor2D;
      return tf.mean(tf.square(tf.sub(y, xb)), 1);
    });
    out.set(e.dataSync() as Float32Array, s);
    e.dispose();
  }
  return out;
}

const quantile = (v: Float32Array, q: number) => {
  const s = Float32Array.from(v).sort();
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))] ?? 0;
};

export class AnomalyModel {
  private constructor(
    private readonly model: tfl.LayersModel,
    readonly meta: AnomalyMeta,
  ) {}

  static async train(docs: readonly PoseTracks[], o: TrainOptions): Promise<AnomalyModel> {
    const sets = docs.map((d) => windowsOf(d.tracks, d.fps, o.window));
    const dim = o.window * FRAME_FEATURES;
    const n = sets.reduce((s, w) => s + w.spans.length, 0);
    if (n < 10)
      throw new VigilError(
        'VIGIL_ERR_INPUT_MISSING',
        `only ${n} pose windows to learn from: record more normal activity first`,
      );
    const raw = new Float32Array(n * dim);
    let at = 0;
    for (const w of sets) {
      raw.set(w.data, at);
      at += w.data.length;
    }
    const mean = Array.from({ length: dim }, () => 0);
    const std = Array.from({ length: dim }, () => 0);
    for (let i = 0; i < raw.length; i++) mean[i % dim]! += raw[i]! / n;
    for (let i = 0; i < raw.length; i++) std[i % dim]! += (raw[i]! - mean[i % dim]!) ** 2 / n;
    for (let j = 0; j < dim; j++) std[j] = Math.sqrt(std[j]!) + 1e-3;
    const x = standardise(raw, dim, mean, std);
    // Seeded shuffle so training is reproducible (tfjs' own shuffle uses Math.random).
    const order = Array.from({ length: n }, (_, i) => i);
    const rnd = lcg(o.seed);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const shuffled = new Float32Array(x.length);
    order.forEach((src, i) => shuffled.set(x.subarray(src * dim, (src + 1) * dim), i * dim));
    const model = buildModel(dim, o.seed);
    const xt = tf.tensor2d(shuffled, [n, dim]);
    let finalLoss = NaN;
    try {
      await model.fit(xt, xt, {
        epochs: o.epochs,
        batchSize: o.batchSize,
        shuffle: false,
        verbose: 0,
        callbacks: {
          onEpochEnd: async (epoch, logs) => {
            finalLoss = Number(logs?.loss);
            o.onEpoch?.(epoch + 1, o.epochs, finalLoss);
          },
        },
      });
    } finally {
      xt.dispose();
    }
    const err = errors(model, x, dim);
    const meta: AnomalyMeta = {
      format: 'vigil-pose-ae/v1',
      window: o.window,
      features: FRAME_FEATURES,
      mean,
      std,
      errorP50: quantile(err, 0.5),
      errorP99: quantile(err, 0.99),
      trained: { clips: docs.length, windows: n, epochs: o.epochs, seed: o.seed, finalLoss },
    };
    return new AnomalyModel(model, meta);
  }

  /**
   * Scores every frame of a clip: each window's error (in units of the training p99) is given to
   * the frames it covers; a frame takes its most unusual person; a frame with nobody scores 0.
   */
  scoreClip(doc: PoseTracks): Float32Array {
    const scores = new Float32Array(doc.frameCount);
    const dim = this.meta.window * this.meta.features;
    const w = windowsOf(doc.tracks, doc.fps, this.meta.window);
    if (w.spans.length === 0) return scores;
    const err = errors(this.model, standardise(w.data, dim, this.meta.mean, this.meta.std), dim);
    w.spans.forEach((s, i) => {
      const v = err[i]! / (this.meta.errorP99 || 1);
      const t = doc.tracks[s.track]!;
      for (let k = s.from; k <= s.to; k++) {
        const f = t.frames[k]!;
        if (f < scores.length && v > scores[f]!) scores[f] = v;
      }
    });
    return scores;
  }

  async save(dir: string): Promise<void> {
    mkdirSync(dir, { recursive: true });
    await this.model.save(
      tf.io.withSaveHandler(async (a) => {
        const weights = a.weightData instanceof ArrayBuffer ? a.weightData : new ArrayBuffer(0);
        writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(weights));
        writeFileSync(
          path.join(dir, 'model.json'),
          JSON.stringify({ modelTopology: a.modelTopology, weightSpecs: a.weightSpecs }),
        );
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    writeFileSync(path.join(dir, 'meta.json'), `${JSON.stringify(this.meta, null, 1)}\n`);
  }

  static async load(dir: string): Promise<AnomalyModel> {
    let meta: AnomalyMeta;
    let json: { modelTopology: object; weightSpecs: tf.io.WeightsManifestEntry[] };
    let weights: Buffer;
    try {
      meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as AnomalyMeta;
      json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as typeof json;
      weights = readFileSync(path.join(dir, 'weights.bin'));
    } catch (err) {
      throw new VigilError(
        'VIGIL_ERR_MODEL_MISSING',
        `no anomaly model in ${dir}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    if (meta.format !== 'vigil-pose-ae/v1')
      throw new VigilError(
        'VIGIL_ERR_MODEL_LOAD',
        `${dir}/meta.json is not a vigil-pose-ae/v1 model`,
      );
    const weightData = weights.buffer.slice(
      weights.byteOffset,
      weights.byteOffset + weights.byteLength,
    ) as ArrayBuffer;
    const model = await tfl.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightSpecs,
        weightData,
      }),
    );
    return new AnomalyModel(model, meta);
  }

  dispose(): void {
    this.model.dispose();
  }
}
