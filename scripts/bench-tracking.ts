import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFile } from '../services/analysis/offline-analyzer';
import { evaluateMot, parseMot } from '../services/analysis/mot-metrics';
import type { MotMetrics, MotRow } from '../services/analysis/mot-metrics';
import { resolveFfmpeg } from '../services/camera/ffmpeg-binary';
import { parseConfig } from '../services/config/load';
import { createRootLogger } from '../services/core/logger';
import type { Logger } from '../services/core/logger';
import { repoRoot } from '../services/core/package-info';
import type { Detection } from '../services/core/types';
import { loadPoseEstimator, modelCacheDir } from '../services/pose/load-estimator';
import type { PoseEstimator } from '../services/pose/pose-estimator';
import { createTracker } from '../services/tracking/create-tracker';
import { profile } from './peers/profiles';

/**
 * npm run bench:tracking: the default pipeline on vtest.avi, every frame, scored on frames 1-400
 * against the PETS09-S2L1 ground truth; then our tracker and node-moving-things-tracker
 * (OpenDataCam's) on the very same detections. Ends with one line of JSON.
 */
const FRAMES = 400;
const SOURCE_FPS = 10;
/**
 *   --gated            frames and tiles gated by motion as in the daemon (what gating costs)
 *   --profile P        accurate (the config defaults), balanced (whole frame at 384x288) or
 *                      fast (whole frame at 256x192): the profiles of npm run bench
 *   --fps 5            analyse 5 of the clip's 10 frames a second, scored on those frames only
 *   --model-every 2    the model sees every 2nd analysed frame, the others are tracked on
 *                      prediction (what a busy daemon does with inference.coastWhenBusy)
 *   --input WxH        the model input of the profile, overridden (to weigh a default)
 *   --tiles CxR        the tile grid of the profile, overridden
 *   --overlap X        the tile overlap of the profile, overridden
 *   --backend B        the backend (default auto)
 *   --precision P      int8 or fp32 (the onnx backend; default: the config's, int8)
 */
const { values: args } = parseArgs({
  options: {
    gated: { type: 'boolean', default: false },
    profile: { type: 'string', default: 'accurate' },
    fps: { type: 'string', default: String(SOURCE_FPS) },
    'model-every': { type: 'string', default: '1' },
    input: { type: 'string' },
    tiles: { type: 'string' },
    overlap: { type: 'string' },
    backend: { type: 'string', default: 'auto' },
    precision: { type: 'string' },
  },
});

/** The profile with the command line's overrides. */
function inferenceOverrides(): Record<string, unknown> {
  const base = profile(args.profile);
  const out: Record<string, unknown> = {
    ...base,
    backend: args.backend,
    ...(args.precision && { precision: args.precision }),
  };
  const pair = (v: string, name: string) => {
    const [a, b] = v.split('x').map(Number);
    if (!Number.isInteger(a) || !Number.isInteger(b)) throw new Error(`${name} must be AxB`);
    return [a!, b!] as const;
  };
  if (args.input) [out.inputWidth, out.inputHeight] = pair(args.input, '--input');
  const tiles = { ...(base.tiles ?? {}) } as Record<string, number>;
  if (args.tiles) [tiles.cols, tiles.rows] = pair(args.tiles, '--tiles');
  if (args.overlap) tiles.overlap = Number(args.overlap);
  if (args.tiles || args.overlap) out.tiles = tiles;
  return out;
}
const GATED = args.gated;
const FPS = Number(args.fps);
const MODEL_EVERY = Number(args['model-every']);
const root = repoRoot();
const VIDEO = path.join(root, 'data/samples/vtest.avi');
const GT = path.resolve(root, '../shared/data/pets09-s2l1/gt-frames-1-400.txt');

interface Row extends MotMetrics {
  cpuMsPerFrame: number;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
}

function rows(
  frames: {
    frame: number;
    boxes: { id: number; x: number; y: number; w: number; h: number; score: number }[];
  }[],
): MotRow[] {
  return frames.flatMap((f) => f.boxes.map((b) => ({ ...b, frame: f.frame, active: true })));
}

/** Our tracker alone on recorded detections, for its own CPU cost. */
function runOurs(dets: Detection[][], frameNos: number[], config: Config) {
  const tracker = createTracker(config.tracking);
  const start = process.cpuUsage();
  const out = dets.map((ds, i) => ({
    frame: frameNos[i]!,
    boxes: tracker
      .update(ds, ((frameNos[i]! - 1) * 1000) / SOURCE_FPS)
      .map((t) => ({ id: t.trackId, ...t.box, score: t.score })),
  }));
  return { out, cpu: cpuMs(start) / dets.length };
}

interface NmtItem {
  idDisplay: number;
  x: number;
  y: number;
  w: number;
  h: number;
  confidence: number;
}

/** node-moving-things-tracker as its MOTChallenge mode runs it: centre boxes, confidence x100. */
function runNodeMovingThings(dets: Detection[][], frameNos: number[]) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS package without types, bench only
  const Tracker = require('node-moving-things-tracker').Tracker as {
    reset(): void;
    updateTrackedItemsWithNewFrame(d: object[], frame: number): void;
    getJSONOfTrackedItems(roundInt?: boolean): NmtItem[];
    getTrackedItemsInMOTFormat(frame: number): string[];
  };
  Tracker.reset();
  const start = process.cpuUsage();
  const lines: string[] = [];
  dets.forEach((ds, i) => {
    const input = ds.map((d) => ({
      x: d.box.x + d.box.w / 2,
      y: d.box.y + d.box.h / 2,
      w: d.box.w,
      h: d.box.h,
      confidence: d.score * 100,
      name: 'person',
    }));
    Tracker.updateTrackedItemsWithNewFrame(input, frameNos[i]!);
    lines.push(...Tracker.getTrackedItemsInMOTFormat(frameNos[i]!));
  });
  return { rows: parseMot(lines.join('\n'), false), cpu: cpuMs(start) / dets.length };
}

function line(name: string, r: Row): string {
  const p = (v: number) => v.toFixed(3).padStart(6);
  return `${name.padEnd(38)}${p(r.recall)}${p(r.precision)}${p(r.mota)}${p(r.idf1)}${String(r.idsw).padStart(6)}${String(r.fp).padStart(6)}${String(r.fn).padStart(6)}${r.cpuMsPerFrame.toFixed(2).padStart(10)}`;
}

type Config = ReturnType<typeof parseConfig>;

/** What the daemon's pipeline did on the clip: the model's detections and every frame's tracks. */
interface Analysed {
  dets: Detection[][];
  /** Source frame numbers of the frames the model saw (the others were coasted). */
  modelFrames: number[];
  tracks: {
    frame: number;
    boxes: { id: number; x: number; y: number; w: number; h: number; score: number }[];
  }[];
  result: Awaited<ReturnType<typeof analyzeFile>>;
  cpuMsPerFrame: number;
}

/** The four scored runs. */
interface Scores {
  pipeline: Row;
  oursRow: Row;
  nmtRow: Row;
  detection: MotMetrics;
}

/** The clip and its ground truth are here, and the options make sense. */
function checkInputs(): void {
  if (!existsSync(GT)) {
    process.stderr.write(`bench:tracking needs ${GT} (../shared is not here); nothing measured\n`);
    process.exit(2);
  }
  if (!existsSync(VIDEO)) throw new Error(`${VIDEO} missing: run npm run sample`);
  if (!(SOURCE_FPS % FPS === 0 && FPS > 0)) throw new Error('--fps must divide 10');
}

function benchConfig(): Config {
  return parseConfig({
    logLevel: 'warn',
    inference: inferenceOverrides(),
    cameras: [
      {
        id: 'vtest',
        source: { url: VIDEO, realtime: false },
        analysis: { fps: FPS, width: 768, height: 576 },
        // Detection and tracking alone: the tamper watch (on in the daemon) is not measured here.
        tamper: { enabled: false },
      },
    ],
  });
}

function announce(config: Config, backend: string): void {
  const inf = config.inference;
  process.stderr.write(
    `bench:tracking: vtest.avi frames 1-${FRAMES} at ${FPS} fps${GATED ? ' (motion-gated)' : ''}, model on every ${MODEL_EVERY === 1 ? '' : `${MODEL_EVERY}th `}analysed frame, ${inf.strategy} ${inf.strategy !== 'full' ? `${inf.tiles.cols}x${inf.tiles.rows} ` : ''}at ${inf.inputWidth}x${inf.inputHeight} on ${backend} (${inf.precision})\n`,
  );
}

/** The daemon's pipeline on the clip, keeping the detections and the tracks of every frame. */
async function analyseClip(
  config: Config,
  estimator: PoseEstimator,
  log: Logger,
): Promise<Analysed> {
  const dets: Detection[][] = [];
  const modelFrames: number[] = [];
  const tracks: Analysed['tracks'] = [];
  const start = process.cpuUsage();
  const result = await analyzeFile(
    { config, camera: config.cameras[0]!, estimator, ffmpeg: resolveFfmpeg(), log },
    {
      input: VIDEO,
      everyFrame: FPS === SOURCE_FPS,
      maxFrames: (FRAMES * FPS) / SOURCE_FPS,
      motionGate: GATED,
      modelEvery: MODEL_EVERY,
      onFrame: (p, frame) => {
        if (!p.coasted) {
          dets.push(p.detections);
          modelFrames.push(frame);
        }
        tracks.push({
          frame,
          boxes: p.tracks.map((t) => ({ id: t.trackId, ...t.box, score: t.score })),
        });
      },
      onProgress: (p) =>
        process.stderr.write(`\r  analysed ${p.frames}/${(FRAMES * FPS) / SOURCE_FPS} frames`),
    },
  );
  const cpuMsPerFrame = cpuMs(start) / result.frames;
  process.stderr.write('\n');
  return { dets, modelFrames, tracks, result, cpuMsPerFrame };
}

/** The pipeline, the trackers alone on its detections, and the detections alone, against the truth. */
function score(a: Analysed, config: Config): Scores {
  // Scored on the frames analysed (every frame at 10 fps, every other one at 5 fps).
  const analysed = new Set(a.tracks.map((t) => t.frame));
  const gt = parseMot(readFileSync(GT, 'utf8'), true).filter((r) => analysed.has(r.frame));
  const frames: [number, number] = [1, FRAMES];
  const pipeline: Row = {
    ...evaluateMot(gt, rows(a.tracks), { frames }),
    cpuMsPerFrame: a.cpuMsPerFrame,
  };
  // Detections and the trackers fed with them alone: scored on the frames the model saw.
  const seen = new Set(a.modelFrames);
  const gtSeen = gt.filter((r) => seen.has(r.frame));
  const ours = runOurs(a.dets, a.modelFrames, config);
  const oursRow: Row = {
    ...evaluateMot(gtSeen, rows(ours.out), { frames }),
    cpuMsPerFrame: ours.cpu,
  };
  const nmt = runNodeMovingThings(a.dets, a.modelFrames);
  const nmtRow: Row = { ...evaluateMot(gtSeen, nmt.rows, { frames }), cpuMsPerFrame: nmt.cpu };
  let detId = 0;
  const detRows = a.dets.flatMap((ds, i) =>
    ds.map((d) => ({
      frame: a.modelFrames[i]!,
      id: detId++,
      ...d.box,
      score: d.score,
      active: true,
    })),
  );
  const detection = evaluateMot(gtSeen, detRows, { frames });
  return { pipeline, oursRow, nmtRow, detection };
}

function printTable({ pipeline, oursRow, nmtRow, detection }: Scores): void {
  process.stdout.write(
    `\nPETS09-S2L1 (vtest.avi) frames 1-${FRAMES}, IoU 0.5, flag-0 boxes ignored\n`,
  );
  process.stdout.write(
    `detections alone: recall ${detection.recall.toFixed(3)}, precision ${detection.precision.toFixed(3)}\n\n`,
  );
  process.stdout.write(
    `${'run'.padEnd(38)}${'recall'.padStart(6)} ${'prec'.padStart(5)} ${'MOTA'.padStart(5)} ${'IDF1'.padStart(5)}${'IDSW'.padStart(6)}${'FP'.padStart(6)}${'FN'.padStart(6)}${'CPU ms/f'.padStart(10)}\n`,
  );
  process.stdout.write(`${line('vigil pipeline (detect + track)', pipeline)}\n`);
  process.stdout.write(`${line('vigil ByteTracker (model frames only)', oursRow)}\n`);
  process.stdout.write(`${line('node-moving-things (model frames)', nmtRow)}\n\n`);
}

const pick = (r: Row) => ({
  recall: r.recall,
  precision: r.precision,
  mota: r.mota,
  idf1: r.idf1,
  idsw: r.idsw,
  fp: r.fp,
  fn: r.fn,
  cpuMsPerFrame: r.cpuMsPerFrame,
});

function printJson(config: Config, backend: string, a: Analysed, s: Scores): void {
  const inf = config.inference;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'tracking',
      frames: FRAMES,
      backend,
      precision: inf.precision,
      strategy: inf.strategy,
      profile: args.profile,
      fps: FPS,
      modelEvery: MODEL_EVERY,
      coasted: a.result.coasted,
      motionGated: GATED,
      skippedNoMotion: a.result.skippedNoMotion,
      input: `${inf.inputWidth}x${inf.inputHeight}`,
      detection: { recall: s.detection.recall, precision: s.detection.precision },
      vigil: pick(s.pipeline),
      vigilTrackerOnly: pick(s.oursRow),
      nodeMovingThingsTracker: pick(s.nmtRow),
    })}\n`,
  );
}

async function main(): Promise<void> {
  checkInputs();
  const config = benchConfig();
  const log = createRootLogger('warn');
  const { estimator, backend } = await loadPoseEstimator(
    config.inference,
    log,
    modelCacheDir(config.dataDir),
  );
  announce(config, backend.name);
  const analysed = await analyseClip(config, estimator, log);
  const scores = score(analysed, config);
  printTable(scores);
  printJson(config, backend.name, analysed, scores);
  await estimator.dispose();
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:tracking failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
