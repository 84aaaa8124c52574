import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { repoRoot } from '../services/core/package-info';
import { readManifest, modelDir, readVerifiedModel } from '../services/pose/model-files';
import { CONVERTER_VERSION, convertMoveNetModel } from '../services/pose/onnx/convert-movenet';
import type { Int8Calibration } from '../services/pose/onnx/int8-calibration';
import {
  CALIBRATION_FILE,
  RangeCollector,
  withTensorOutputs,
} from '../services/pose/onnx/int8-calibration';
import { backboneBlocks, quantizedTensors } from '../services/pose/onnx/int8-quantizer';
import { encodeModel } from '../services/pose/onnx/onnx-proto';
import { vtestTileInputs } from './vtest-tiles';

/**
 * npm run calibrate:int8: measures the activation ranges of the int8 model (every backbone block,
 * so any INT8_BLOCKS can use them) on vtest.avi frames 450-789, every 10th (none of the
 * scored frames 1-400), tiled and letterboxed as the daemon does; writes
 * models/movenet-int8-ranges.json. Deterministic for the same clip and model.
 */
const W = 320;
const H = 256;
const FIRST = 450;
const END = 790;
const STEP = 10;

async function main(): Promise<void> {
  const entry = readManifest()['movenet-multipose']!;
  const files = readVerifiedModel(entry, modelDir(entry, ''));
  const model = await convertMoveNetModel(files.contents, entry.graph, W, H);
  const tensors = quantizedTensors(model, backboneBlocks(0, 17));
  const session = await ort.InferenceSession.create(
    encodeModel(withTensorOutputs(model, tensors)),
    {
      intraOpNumThreads: 1,
      graphOptimizationLevel: 'basic',
    },
  );
  const inputs = vtestTileInputs(FIRST, END, STEP, W, H);
  const collector = new RangeCollector();
  for (const input of inputs) {
    const out = await session.run({ input: new ort.Tensor('int32', input, [1, H, W, 3]) });
    for (const t of tensors) collector.add(t, out[t]!.data as Float32Array);
  }
  const graphSha256 = createHash('sha256').update(files.contents.get(entry.graph)!).digest('hex');
  const calibration: Int8Calibration = {
    format: 'vigil-int8-ranges/v1',
    graphSha256,
    converterVersion: CONVERTER_VERSION,
    input: `${W}x${H}`,
    frames: `vtest.avi decoded frames ${FIRST}-${END - 1} every ${STEP}th, 2x2 tiles overlap 0.2 (${inputs.length} inputs)`,
    method: 'min/max',
    ranges: collector.result(),
  };
  const file = path.join(repoRoot(), 'models', CALIBRATION_FILE);
  writeFileSync(file, `${JSON.stringify(calibration, null, 1)}\n`);
  console.log(`calibrate:int8: ${tensors.length} tensors on ${inputs.length} inputs -> ${file}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
