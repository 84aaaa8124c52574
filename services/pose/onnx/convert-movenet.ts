import { createHash } from 'node:crypto';
import { captureGraph } from './tf-graph-capture';
import type { ActivationRanges } from './int8-quantizer';
import { backboneBlocks, quantizeModel } from './int8-quantizer';
import { encodeModel } from './onnx-proto';
import type { OnnxModel } from './onnx-proto';
import { tfGraphToOnnx } from './tf-to-onnx';

/**
 * Bumped whenever a change to the converter changes its output: the cache keys on it, and the
 * sha256 pins in models/manifest.json then fail until they are regenerated (npm run models).
 */
export const CONVERTER_VERSION = 1;

/**
 * int8 covers the backbone's MobileNetV2 blocks 1-17. Block 0 (the stride-2 first conv on 3
 * channels and the first depthwise) stays float32: as int8 it saved nothing and added a fifth of
 * the keypoint error (bench:int8). The FPN (outputs span about -4500..+1300) and the heads stay
 * float32 too.
 */
export const INT8_BLOCKS = { first: 1, last: 17 } as const;

/** How an int8 model is built: calibrated ranges, and the backbone blocks quantised. */
export interface Int8Build {
  ranges: ActivationRanges;
  firstBlock: number;
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
    int8
      ? quantizeModel(model, int8.ranges, backboneBlocks(int8.firstBlock, int8.lastBlock))
      : model,
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
