import { existsSync } from 'node:fs';
import path from 'node:path';
import { aucPr, aucRoc } from '../services/analysis/roc';
import { AnomalyModel } from '../services/behaviour/anomaly-model';
import { PoseZModel, cameraOf } from '../services/behaviour/pose-zscore';
import { readPoseTrackDir } from '../services/behaviour/pose-tracks';
import type { PoseTracks } from '../services/behaviour/pose-tracks';
import { TRAIN_DEFAULTS, Z_DEFAULTS, progressBar } from '../services/behaviour/train-defaults';
import { createRootLogger } from '../services/core/logger';
import { repoRoot } from '../services/core/package-info';
import { selectTfjsBackend } from '../services/pose/engines/tfjs-backends';
import { speedScores } from './speed-score';
import { evaluate } from './behaviour-alerts';

/**
 * npm run bench:behaviour: on PoseLift (train/ normal clips of six cameras, dev/ labelled clips
 * of three), frame-level AUC-ROC by leave-one-camera-out: for each dev camera, the pose z-score's
 * setting is chosen on the other dev cameras only and measured on the held-out one, next to the
 * autoencoder and the speed baseline on the same frames; then all of dev at once, the published
 * figures, and the scorer's cost. Ends with one line of JSON.
 */
const DATA = path.resolve(repoRoot(), '../shared/data/poselift');
const PUBLISHED = { 'STG-NF': 0.675, TSGAD: 0.634, GEPC: 0.606, Shopformer: 0.692 };

function flatten(docs: PoseTracks[], score: (d: PoseTracks) => Float32Array) {
  const scores: number[] = [];
  const labels: number[] = [];
  for (const d of docs) {
    const s = score(d);
    d.labels!.frames.forEach((l, i) => {
      scores.push(s[i] ?? 0);
      labels.push(l);
    });
  }
  return { scores, labels };
}

/** The z-score settings compared by leave-one-camera-out (window and smoothing, seconds). */
const Z_CANDIDATES = [1, 2].flatMap((windowSeconds) =>
  [0, 1, 2].map((smoothSeconds) => ({ windowSeconds, smoothSeconds })),
);
const DEFAULT_Z = Z_DEFAULTS;
const key = (c: { windowSeconds: number; smoothSeconds: number }) =>
  `window ${c.windowSeconds} s, smooth ${c.smoothSeconds} s`;

const fmt = (v: number) => v.toFixed(3).padStart(9);

type Auc = { roc: number; pr: number };
type Scorer = (d: PoseTracks) => Float32Array;
type ZSetting = (typeof Z_CANDIDATES)[number];

/** PoseLift's normal clips (train) and labelled clips (dev), by camera. */
interface Data {
  train: PoseTracks[];
  dev: PoseTracks[];
  cams: string[];
  devOf(c: string): PoseTracks[];
}

interface Fold {
  camera: string;
  chosen: string;
  z: number;
  autoencoder: number;
  speed: number;
}

function roc(docs: PoseTracks[], f: Scorer): Auc {
  const x = flatten(docs, f);
  return { roc: aucRoc(x.scores, x.labels), pr: aucPr(x.scores, x.labels) };
}

function readData(): Data {
  if (!existsSync(DATA)) {
    process.stderr.write(
      `bench:behaviour needs ${DATA} (../shared is not here); nothing measured\n`,
    );
    process.exit(2);
  }
  const train = readPoseTrackDir(path.join(DATA, 'train'));
  const dev = readPoseTrackDir(path.join(DATA, 'dev'));
  const cams = [...new Set(dev.map((d) => cameraOf(d)))].sort();
  return { train, dev, cams, devOf: (c) => dev.filter((d) => cameraOf(d) === c) };
}

/** Every z-score setting's scorer and its AUC-ROC per dev camera. */
function zSettings({ train, cams, devOf }: Data) {
  // The z-score model per window length (its smoothing only changes scoring), per camera.
  const zModels = new Map<number, PoseZModel>();
  for (const w of new Set(Z_CANDIDATES.map((c) => c.windowSeconds)))
    zModels.set(w, PoseZModel.train(train, { windowSeconds: w, smoothSeconds: 0 }));
  const zScore = (c: ZSetting): Scorer => {
    const m = new PoseZModel({
      ...zModels.get(c.windowSeconds)!.meta,
      smoothSeconds: c.smoothSeconds,
    });
    return (d: PoseTracks) => m.scoreClip(d);
  };
  const zByCam = new Map(
    Z_CANDIDATES.map((c) => [
      key(c),
      Object.fromEntries(cams.map((cam) => [cam, roc(devOf(cam), zScore(c)).roc])),
    ]),
  );
  return { zScore, zByCam };
}

/** The site-wide autoencoder (--no-autoencoder: one epoch on two clips, the z-score side only). */
async function trainAutoencoder(train: PoseTracks[]) {
  const t0 = Date.now();
  // --no-autoencoder: the z-score side only (the autoencoder takes minutes to train on 2 cores).
  const skipAe = process.argv.includes('--no-autoencoder');
  const ae = await AnomalyModel.train(skipAe ? train.slice(0, 2) : train, {
    ...TRAIN_DEFAULTS,
    epochs: skipAe ? 1 : TRAIN_DEFAULTS.epochs,
    onEpoch: (e, n, loss) =>
      process.stderr.write(
        `${process.stderr.isTTY ? '\r' : ''}train autoencoder ${progressBar(e, n, `loss ${loss.toFixed(4)}`)}${process.stderr.isTTY ? '' : '\n'}`,
      ),
  });
  return { ae, trainS: (Date.now() - t0) / 1000 };
}

/** Leave one camera out: the setting is chosen on the other cameras' dev clips only. */
function leaveOneCameraOut(
  { cams, devOf }: Data,
  zByCam: Map<string, Record<string, number>>,
  ae: AnomalyModel,
): Fold[] {
  return cams.map((held) => {
    const others = cams.filter((c) => c !== held);
    const chosen = Z_CANDIDATES.reduce((best, c) => {
      const mean = (k: string) =>
        others.reduce((s, o) => s + zByCam.get(k)![o]!, 0) / others.length;
      return mean(key(c)) > mean(key(best)) ? c : best;
    });
    return {
      camera: held,
      chosen: key(chosen),
      z: zByCam.get(key(chosen))![held]!,
      autoencoder: roc(devOf(held), (d) => ae.scoreClip(d)).roc,
      speed: roc(devOf(held), speedScores).roc,
    };
  });
}

/** Cost: scoring every dev track, per track-second of poses. */
function scoringCost(dev: PoseTracks[], shipped: Scorer) {
  const tScore = performance.now();
  for (const d of dev) shipped(d);
  const scoreMs = performance.now() - tScore;
  const trackSeconds = dev.reduce(
    (s, d) => s + d.tracks.reduce((a, t) => a + t.frames.length / d.fps, 0),
    0,
  );
  return scoreMs / trackSeconds;
}

/** Everything measured, for the report and the JSON line. */
interface Measured {
  data: Data;
  zByCam: Map<string, Record<string, number>>;
  folds: Fold[];
  mean(k: 'z' | 'autoencoder' | 'speed'): number;
  allDev: { z: Auc; autoencoder: Auc; speed: Auc };
  positives: number;
  frames: number;
  trainS: number;
  backend: string;
  msPerTrackSecond: number;
}

function printReport(m: Measured): void {
  const { data, zByCam, folds, mean, allDev, positives, frames } = m;
  const { train, dev, cams } = data;
  process.stdout.write(
    `\nPoseLift: trained on ${train.length} normal clips of ${new Set(train.map((d) => cameraOf(d))).size} cameras; dev ${dev.length} clips of cameras ${cams.join(', ')}, ${frames} frames (${positives} shoplifting). Autoencoder: ${TRAIN_DEFAULTS.epochs} epochs in ${m.trainS.toFixed(0)} s on ${m.backend}.\n`,
  );
  process.stdout.write(
    `\nLeave one camera out, frame-level AUC-ROC (the z-score setting chosen on the other cameras only):\n`,
  );
  process.stdout.write(
    `${'held-out camera'.padEnd(18)}${'chosen setting'.padEnd(26)}${'pose z'.padStart(9)}${'autoenc'.padStart(9)}${'speed'.padStart(9)}\n`,
  );
  for (const f of folds)
    process.stdout.write(
      `${f.camera.padEnd(18)}${f.chosen.padEnd(26)}${fmt(f.z)}${fmt(f.autoencoder)}${fmt(f.speed)}\n`,
    );
  process.stdout.write(
    `${'mean'.padEnd(44)}${fmt(mean('z'))}${fmt(mean('autoencoder'))}${fmt(mean('speed'))}\n`,
  );
  process.stdout.write(`\nEvery setting, per dev camera:\n`);
  for (const [k, v] of zByCam)
    process.stdout.write(
      `  ${k.padEnd(26)}${cams.map((c) => `${c} ${v[c]!.toFixed(3)}`).join('  ')}\n`,
    );
  process.stdout.write(
    `\nAll dev at once (shipped setting: ${key(DEFAULT_Z)}):\n${'method'.padEnd(40)}${'AUC-ROC'.padStart(9)}${'AUC-PR'.padStart(9)}\n`,
  );
  for (const [name, r] of [
    ['vigil pose z-score, per camera', allDev.z],
    ['pose autoencoder (site-wide)', allDev.autoencoder],
    ['baseline: fastest person speed', allDev.speed],
  ] as const)
    process.stdout.write(`${name.padEnd(40)}${fmt(r.roc)}${fmt(r.pr)}\n`);
  for (const [k, v] of Object.entries(PUBLISHED))
    process.stdout.write(
      `${`published ${k} (full test set)`.padEnd(40)}${fmt(v)}${'-'.padStart(9)}\n`,
    );
  process.stdout.write(
    `(chance AUC-PR = positive rate ${(positives / frames).toFixed(3)}); scoring costs ${m.msPerTrackSecond.toFixed(3)} ms per track-second of poses\n\n`,
  );
}

function printJson(m: Measured, alerts: ReturnType<typeof evaluate>): void {
  const { folds, mean, allDev, positives, frames } = m;
  process.stdout.write(
    `\n${JSON.stringify({
      alerts,
      bench: 'behaviour',
      devFrames: frames,
      positiveRate: positives / frames,
      leaveOneCameraOut: folds,
      leaveOneCameraOutMean: {
        z: mean('z'),
        autoencoder: mean('autoencoder'),
        speed: mean('speed'),
      },
      allDev: {
        z: { aucRoc: allDev.z.roc, aucPr: allDev.z.pr },
        autoencoder: { aucRoc: allDev.autoencoder.roc, aucPr: allDev.autoencoder.pr },
        speed: { aucRoc: allDev.speed.roc, aucPr: allDev.speed.pr },
      },
      shipped: DEFAULT_Z,
      scoreMsPerTrackSecond: m.msPerTrackSecond,
      autoencoderTrainSeconds: m.trainS,
      backend: m.backend,
      published: PUBLISHED,
    })}\n`,
  );
}

async function main(): Promise<void> {
  const data = readData();
  const backend = await selectTfjsBackend(
    'auto',
    createRootLogger('warn', process.stderr as never),
  );
  const { zScore, zByCam } = zSettings(data);
  const { ae, trainS } = await trainAutoencoder(data.train);
  const folds = leaveOneCameraOut(data, zByCam, ae);
  const mean = (k: 'z' | 'autoencoder' | 'speed') =>
    folds.reduce((s, f) => s + f[k], 0) / folds.length;
  const { dev } = data;
  const shipped = zScore(DEFAULT_Z);
  const allDev = {
    z: roc(dev, shipped),
    autoencoder: roc(dev, (d) => ae.scoreClip(d)),
    speed: roc(dev, speedScores),
  };
  const msPerTrackSecond = scoringCost(dev, shipped);
  const positives = flatten(dev, shipped).labels.filter((l) => l === 1).length;
  const frames = dev.reduce((s, d) => s + d.frameCount, 0);
  const measured = {
    data,
    zByCam,
    folds,
    mean,
    allDev,
    positives,
    frames,
    trainS,
    backend,
    msPerTrackSecond,
  };
  printReport(measured);
  // Alerts as a clerk gets them: the daemon's concealment rule at its defaults, the curve, AUCs.
  const alerts = evaluate(
    path.join(DATA, 'dev'),
    path.join(DATA, 'train'),
    undefined,
    createRootLogger('warn', process.stderr as never),
  );
  printJson(measured, alerts);
  ae.dispose();
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:behaviour failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
