import { parseArgs } from 'node:util';
import { OnnxPoseEngine } from '../services/pose/engines/onnx-engine';
import { readManifest, modelDir, readVerifiedModel } from '../services/pose/model-files';
import { CONVERTER_VERSION, convertMoveNetModel } from '../services/pose/onnx/convert-movenet';
import { readCalibration } from '../services/pose/onnx/int8-calibration';
import { backboneBlock, quantizeModel } from '../services/pose/onnx/int8-quantizer';
import type { ConvSelector } from '../services/pose/onnx/int8-quantizer';
import { encodeModel } from '../services/pose/onnx/onnx-proto';
import { comparePoses } from './pose-diff';
import type { PoseDiff } from './pose-diff';
import { vtestTileInputs } from './vtest-tiles';
import path from 'node:path';
import { repoRoot } from '../services/core/package-info';

/**
 * npm run bench:int8: fp32 against int8 with the backbone blocks of each --last-blocks value
 * quantised (`B`: blocks 0-B; `A-B`), one process, runs interleaved on the same inputs (vtest.avi frames 0-399 every 10th,
 * 2x2 tiles at 320x256): CPU ms per run, and how far each int8 model's people are from fp32's
 * (score, keypoints in pixels, people lost or gained at score 0.15). Ends with one JSON line.
 */
const { values: args } = parseArgs({
  options: {
    'last-blocks': { type: 'string', default: '3,6,10,13,16,17' },
    rounds: { type: 'string', default: '3' },
  },
});
/** Backbone blocks `A-B`, or `B` for 0-B. */
function blocks(spec: string): ConvSelector {
  const [a, b] = spec.includes('-') ? spec.split('-').map(Number) : [0, Number(spec)];
  return (conv) => {
    const k = backboneBlock(conv.name);
    return k !== undefined && k >= a! && k <= b!;
  };
}
const W = 320;
const H = 256;

function cpuMs(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
}

async function main(): Promise<void> {
  const entry = readManifest()['movenet-multipose']!;
  const files = readVerifiedModel(entry, modelDir(entry, ''));
  const graphSha = entry.files[entry.graph]!;
  const { ranges } = readCalibration(path.join(repoRoot(), 'models'), graphSha, CONVERTER_VERSION);
  const model = await convertMoveNetModel(files.contents, entry.graph, W, H);
  const specs = args['last-blocks'].split(',');
  const variants = [{ name: 'fp32', bytes: encodeModel(model) }].concat(
    specs.map((b) => ({
      name: `int8 ${b.includes('-') ? b : `0-${b}`}`,
      bytes: encodeModel(quantizeModel(model, ranges, blocks(b))),
    })),
  );
  const engines = await Promise.all(
    variants.map((v) => OnnxPoseEngine.load('onnx', v.bytes, W, H)),
  );
  const inputs = vtestTileInputs(0, 400, 10, W, H);
  const ms = variants.map(() => 0);
  const diffs: PoseDiff[][] = variants.map(() => []);
  for (const e of engines) await e.run(inputs[0]!);
  for (let round = 0; round < Number(args.rounds); round++) {
    for (const input of inputs) {
      let ref: Float32Array | undefined;
      for (let k = 0; k < engines.length; k++) {
        const t0 = process.cpuUsage();
        const out = await engines[k]!.run(input);
        ms[k]! += cpuMs(t0);
        if (round > 0) continue;
        if (k === 0) ref = out.slice();
        else diffs[k]!.push(comparePoses(ref!, out, W, H));
      }
    }
  }
  const runs = inputs.length * Number(args.rounds);
  const rows = variants.map((v, k) => {
    const d = diffs[k]!;
    const sum = (f: (x: PoseDiff) => number) => d.reduce((a, x) => a + f(x), 0);
    const max = (f: (x: PoseDiff) => number) => d.reduce((a, x) => Math.max(a, f(x)), 0);
    return {
      model: v.name,
      cpuMsPerRun: +(ms[k]! / runs).toFixed(2),
      ratio: +(ms[k]! / ms[0]!).toFixed(3),
      people: sum((x) => x.people),
      lost: sum((x) => x.lost),
      gained: sum((x) => x.gained),
      maxScoreDiff: +max((x) => x.maxScoreDiff).toFixed(3),
      meanKptPx: +(
        sum((x) => x.kptPxSum) /
        Math.max(
          1,
          sum((x) => x.kptCount),
        )
      ).toFixed(2),
      maxKptPx: +max((x) => x.maxKptPx).toFixed(1),
    };
  });
  console.log(`bench:int8: ${inputs.length} tiles x ${args.rounds} rounds, interleaved, 1 thread`);
  console.table(rows);
  console.log(JSON.stringify({ bench: 'int8', inputs: inputs.length, rows }));
  await Promise.all(engines.map((e) => e.dispose()));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
