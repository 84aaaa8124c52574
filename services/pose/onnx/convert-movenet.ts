import { createHash } from 'node:crypto';
import { captureGraph } from './tf-graph-capture';
import type { ActivationRanges } from './int8-quantizer';
import { backboneUpTo, quantizeModel } from './int8-quantizer';
import { encodeModel } from './onnx-proto';
import type { OnnxModel } from './onnx-proto';
import { tfGraphToOnnx } from './tf-to-onnx';

/**
 * Bumped whenever a change to the converter changes its output: the cache keys on it, and the
 * sha256 pins in models/manifest.json then fail until they are regenerated (npm run models).
 */
export const CONVERTER_VERSION = 1;

/**
 * int8 covers the backbone's MobileNetV2 blocks 0..INT8_LAST_BLOCK; the later blocks, the FPN
 * (outputs span about -4500..+1300) and the heads stay float32. Chosen by bench:int8 (see README).
 */
export const INT8_LAST_BLOCK = 17;

/** How an int8 model is built: calibrated ranges, and the last backbone block quantised. */
export interface Int8Build {
  ranges: ActivationRanges;
  lastBlock: number;
}

/**
 * Converts MoveNet MultiPose's verified tfjs graph to ONNX for one input size, int8 QDQ on the
 * backbone's first blocks when `int8` is given. Deterministic: the same files, size and ranges
 * give the same bytes on every machine (the manifest pins the fp32 ones).
 */
export async function convertMoveNet(
  contents: ReadonlyMap<string, Buffer>,
  graphName: string,
  width: number,
  height: number,
  int8?: Int8Build,
): Promise<Buffer> {
  const model = await convertMoveNetModel(contents, graphName, width, height);
  return encodeModel(
    int8 ? quantizeModel(model, int8.ranges, backboneUpTo(int8.lastBlock)) : model,
  );
}

/** The fp32 conversion as a model (before encoding). */
export async function convertMoveNetModel(
  contents: ReadonlyMap<string, Buffer>,
  graphName: string,
  width: number,
  height: number,
): Promise<OnnxModel> {
  const graph = contents.get(graphName);
  if (!graph) throw new Error(`graph file ${graphName} is not among the model files`);
  const source = createHash('sha256').update(graph).digest('hex');
  const captured = await captureGraph(contents, graphName, width, height);
  return tfGraphToOnnx(captured, {
    output: 'Identity',
    producerVersion: String(CONVERTER_VERSION),
    doc: `MoveNet MultiPose Lightning converted by Vigil from tfjs graph sha256 ${source}, input ${width}x${height}`,
  });
}
