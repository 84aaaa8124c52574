import type { CapturedGraph, TfNode } from './tf-graph-capture';
import { nodeOf } from './tf-graph-capture';
import { ConversionContext, ONNX_TYPE_OF } from './conversion-context';
import { OnnxGraphBuilder } from './onnx-graph-builder';
import type { OnnxModel } from './onnx-proto';
import { convolution, maxPool, resizeBilinear } from './tf-image-ops';
import { TENSOR_OPS } from './tf-tensor-ops';

type Convert = (n: TfNode, ctx: ConversionContext) => void;

const OPS: Record<string, Convert> = {
  ...TENSOR_OPS,
  _FusedConv2D: convolution,
  FusedDepthwiseConv2dNative: convolution,
  DepthwiseConv2dNative: convolution,
  MaxPool: maxPool,
  ResizeBilinear: resizeBilinear,
};

export const OPSET = 13;

/** The graph's nodes that depend on the input's pixels, inputs before the nodes that use them. */
function dynamicNodesInOrder(g: CapturedGraph): TfNode[] {
  const byName = new Map(g.nodes.map((n) => [n.name, n]));
  const done = new Set<string>();
  const order: TfNode[] = [];
  const visit = (n: TfNode) => {
    if (done.has(n.name) || g.isStatic(n.name)) return;
    done.add(n.name);
    for (const i of n.inputs) visit(byName.get(nodeOf(i))!);
    order.push(n);
  };
  g.nodes.forEach(visit);
  return order;
}

export interface ConvertOptions {
  /** The tfjs tensor that is the model's output. */
  output: string;
  producerVersion: string;
  doc: string;
}

/**
 * Converts a captured tfjs graph to an ONNX model with a fixed input size: int32 `input`
 * [1, H, W, 3] (tfjs's own input) and float32 `output`. Every op is mapped, or the conversion
 * fails naming the op; nothing of the graph is left out or approximated.
 */
export function tfGraphToOnnx(g: CapturedGraph, opts: ConvertOptions): OnnxModel {
  const b = new OnnxGraphBuilder();
  const ctx = new ConversionContext(b, g);
  const placeholder = g.nodes.find((n) => n.op === 'Placeholder')!;
  const inputName = b.fresh('input');
  const outputName = b.fresh('output');
  for (const n of dynamicNodesInOrder(g)) {
    if (n === placeholder) {
      ctx.set(n.name, inputName);
      continue;
    }
    const convert = OPS[n.op];
    if (!convert) throw new Error(`tfjs op ${n.op} (${n.name}) has no ONNX mapping`);
    convert(n, ctx);
  }
  b.nodes.push({
    op: 'Identity',
    name: b.fresh('output/Identity'),
    inputs: [ctx.value(opts.output)],
    outputs: [outputName],
  });
  const out = ctx.info(opts.output);
  const inp = ctx.info(placeholder.name);
  return {
    opset: OPSET,
    producer: 'vigil',
    producerVersion: opts.producerVersion,
    doc: opts.doc,
    graphName: 'movenet',
    nodes: b.nodes,
    initializers: b.initializers,
    inputs: [{ name: inputName, type: ONNX_TYPE_OF[inp.dtype], dims: inp.shape }],
    outputs: [{ name: outputName, type: ONNX_TYPE_OF[out.dtype], dims: out.shape }],
  };
}
