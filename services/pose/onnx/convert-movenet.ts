import { createHash } from 'node:crypto';
import { captureGraph } from './tf-graph-capture';
import { encodeModel } from './onnx-proto';
import { tfGraphToOnnx } from './tf-to-onnx';

/**
 * Bumped whenever a change to the converter changes its output: the cache keys on it, and the
 * sha256 pins in models/manifest.json then fail until they are regenerated (npm run models).
 */
export const CONVERTER_VERSION = 1;

/**
 * Converts MoveNet MultiPose's verified tfjs graph to ONNX for one input size. Deterministic: the
 * same files and size give the same bytes on every machine (the manifest pins them).
 */
export async function convertMoveNet(
  contents: ReadonlyMap<string, Buffer>,
  graphName: string,
  width: number,
  height: number,
): Promise<Buffer> {
  const graph = contents.get(graphName);
  if (!graph) throw new Error(`graph file ${graphName} is not among the model files`);
  const source = createHash('sha256').update(graph).digest('hex');
  const captured = await captureGraph(contents, graphName, width, height);
  const model = tfGraphToOnnx(captured, {
    output: 'Identity',
    producerVersion: String(CONVERTER_VERSION),
    doc: `MoveNet MultiPose Lightning converted by Vigil from tfjs graph sha256 ${source}, input ${width}x${height}`,
  });
  return encodeModel(model);
}
