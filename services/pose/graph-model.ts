import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import type { GraphModel } from '@tensorflow/tfjs-converter';

/** The parts of a tfjs graph-model JSON file this code reads. */
export interface GraphJson {
  modelTopology: { node: { name: string; op: string; attr?: { shape?: { shape?: unknown } } }[] };
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/**
 * Builds a tfjs graph model from file contents already in memory (read, and for Vigil's own
 * models checksum-verified, by the caller): the graph JSON plus every weights file it names.
 * Throws when a weights file is missing from `contents`.
 */
export async function graphModelFromFiles(
  contents: ReadonlyMap<string, Buffer>,
  graphName: string,
): Promise<GraphModel> {
  const graph = contents.get(graphName);
  if (!graph) throw new Error(`graph file ${graphName} is not among the model files`);
  const json = JSON.parse(graph.toString('utf8')) as GraphJson;
  const bins = json.weightsManifest
    .flatMap((g) => g.paths)
    .map((p) => {
      const b = contents.get(p);
      if (!b) throw new Error(`weights file ${p} is not among the model files`);
      return b;
    });
  const all = Buffer.concat(bins);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return loadGraphModel(
    tf.io.fromMemory({
      ...json,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: weightData as ArrayBuffer,
    }),
  );
}

/** The batch size a graph's image input accepts: -1 any, 1 one image per call. */
export function inputBatch(graph: GraphJson): number {
  const input = graph.modelTopology.node.find((n) => n.op === 'Placeholder');
  const dims = (input?.attr?.shape?.shape as { dim?: { size?: string }[] } | undefined)?.dim;
  return Number(dims?.[0]?.size ?? Number.NaN);
}
