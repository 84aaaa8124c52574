import type { OnnxModel, OnnxNode, OnnxTensor } from './onnx-proto';
import { OnnxType } from './onnx-proto';

/**
 * Static int8 quantisation of chosen convolutions in the ONNX QDQ form that ONNX Runtime fuses
 * into QLinearConv / QLinearAdd: weights int8, symmetric, one scale per output channel; biases
 * int32 at the input scale times the weight scale; activations uint8, one scale and zero point per
 * tensor, from ranges calibrated on real frames. Everything else stays float32.
 */

/** A calibrated activation range (float32 values seen on the calibration frames). */
export type ActivationRanges = Readonly<Record<string, readonly [number, number]>>;

/** Which Conv nodes are quantised. */
export type ConvSelector = (conv: OnnxNode) => boolean;

export interface PerChannel {
  q: Int8Array;
  scales: Float32Array;
}

/** Symmetric int8 per output channel (axis 0): q = round(w / s), s = max|w| / 127. */
export function quantizePerChannel(w: Float32Array, channels: number): PerChannel {
  if (channels < 1 || w.length % channels !== 0)
    throw new Error(`${w.length} weights do not split into ${channels} channels`);
  const per = w.length / channels;
  const q = new Int8Array(w.length);
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    let peak = 0;
    for (let i = c * per; i < (c + 1) * per; i++) peak = Math.max(peak, Math.abs(w[i]!));
    const s = Math.fround(peak > 0 ? peak / 127 : 1);
    scales[c] = s;
    for (let i = c * per; i < (c + 1) * per; i++)
      q[i] = Math.max(-127, Math.min(127, Math.round(w[i]! / s)));
  }
  return { q, scales };
}

/** uint8 affine parameters covering [min, max] and 0 (zero is exact, as padding needs). */
export function activationParams(min: number, max: number): { scale: number; zeroPoint: number } {
  const lo = Math.min(0, min);
  const hi = Math.max(0, max);
  if (!(hi > lo)) return { scale: 1, zeroPoint: 0 };
  const scale = Math.fround((hi - lo) / 255);
  return { scale, zeroPoint: Math.max(0, Math.min(255, Math.round(-lo / scale))) };
}

function floatsOf(t: OnnxTensor): Float32Array {
  if (t.type !== OnnxType.float) throw new Error(`initializer ${t.name} is not float32`);
  return new Float32Array(Uint8Array.from(t.raw).buffer);
}

function consumersOf(nodes: readonly OnnxNode[]): Map<string, OnnxNode[]> {
  const out = new Map<string, OnnxNode[]>();
  for (const n of nodes)
    for (const i of n.inputs) {
      const list = out.get(i) ?? [];
      list.push(n);
      out.set(i, list);
    }
  return out;
}

/**
 * The activation tensors a quantised graph carries as uint8: each chosen Conv's input and its
 * output (after its Relu or Clip when that is the only consumer, so ONNX Runtime folds the
 * activation into the quantisation), and the output of any Add whose inputs are all quantised
 * (a residual sum, which then runs as QLinearAdd).
 */
export function quantizedTensors(model: OnnxModel, select: ConvSelector): string[] {
  const consumers = consumersOf(model.nodes);
  const weights = new Set(model.initializers.map((t) => t.name));
  const chosen = new Set<string>();
  for (const n of model.nodes) {
    if (n.op !== 'Conv' || !select(n) || !weights.has(n.inputs[1] ?? '')) continue;
    chosen.add(n.inputs[0]!);
    const next = consumers.get(n.outputs[0]!) ?? [];
    const act = next.length === 1 && ['Relu', 'Clip'].includes(next[0]!.op) ? next[0]! : n;
    chosen.add(act.outputs[0]!);
  }
  for (const n of model.nodes)
    if (n.op === 'Add' && n.inputs.every((i) => chosen.has(i))) chosen.add(n.outputs[0]!);
  const all = [...model.inputs.map((i) => i.name), ...model.nodes.flatMap((n) => n.outputs)];
  return all.filter((t) => chosen.has(t));
}

/** The model with the chosen Convs in QDQ form, the rest untouched. Deterministic. */
export function quantizeModel(
  model: OnnxModel,
  ranges: ActivationRanges,
  select: ConvSelector,
): OnnxModel {
  const tensors = new Set(quantizedTensors(model, select));
  const inits = new Map(model.initializers.map((t) => [t.name, t]));
  const added: OnnxTensor[] = [];
  const params = new Map<string, { scale: string; zp: string; value: number }>();
  const tensor = (name: string, type: OnnxTensor['type'], dims: number[], a: ArrayBufferView) =>
    added.push({ name, type, dims, raw: new Uint8Array(a.buffer, a.byteOffset, a.byteLength) });
  for (const t of tensors) {
    const range = ranges[t];
    if (!range) throw new Error(`no calibrated range for tensor ${t}`);
    const p = activationParams(range[0], range[1]);
    tensor(`${t}_scale`, OnnxType.float, [], Float32Array.of(p.scale));
    tensor(`${t}_zp`, OnnxType.uint8, [], Uint8Array.of(p.zeroPoint));
    params.set(t, { scale: `${t}_scale`, zp: `${t}_zp`, value: p.scale });
  }
  const dq = (t: string) => (tensors.has(t) ? `${t}_dq` : t);
  const nodes: OnnxNode[] = [];
  const addQdq = (t: string) => {
    const p = params.get(t);
    if (!p) return;
    nodes.push(qdqNode('QuantizeLinear', [t, p.scale, p.zp], `${t}_q`));
    nodes.push(qdqNode('DequantizeLinear', [`${t}_q`, p.scale, p.zp], `${t}_dq`));
  };
  model.inputs.forEach((i) => addQdq(i.name));
  const replaced = new Set<string>();
  for (const n of model.nodes) {
    const conv =
      n.op === 'Conv' && select(n) && inits.has(n.inputs[1]!) && tensors.has(n.inputs[0]!);
    if (conv) {
      const inputs = quantizeConvWeights(n, inits, params.get(n.inputs[0]!)!.value, tensor, nodes);
      inputs.forEach((w) => replaced.add(w));
    }
    nodes.push({ ...n, inputs: n.inputs.map((i, k) => (conv && k > 0 ? `${i}_dq` : dq(i))) });
    n.outputs.forEach(addQdq);
  }
  const kept = model.initializers.filter((t) => !replaced.has(t.name));
  return { ...model, nodes, initializers: [...kept, ...added] };
}

function qdqNode(op: string, inputs: string[], output: string, axis?: number): OnnxNode {
  return {
    op,
    name: `${output}/${op}`,
    inputs,
    outputs: [output],
    ...(axis !== undefined && { attrs: { axis } }),
  };
}

/** Replaces a Conv's weight (and bias) initializers by int8 (int32) ones behind DQ nodes. */
function quantizeConvWeights(
  conv: OnnxNode,
  inits: ReadonlyMap<string, OnnxTensor>,
  inputScale: number,
  tensor: (name: string, type: OnnxTensor['type'], dims: number[], a: ArrayBufferView) => void,
  nodes: OnnxNode[],
): string[] {
  const [, wName, bName] = conv.inputs as [string, string, string | undefined];
  const w = inits.get(wName)!;
  const channels = w.dims[0]!;
  const { q, scales } = quantizePerChannel(floatsOf(w), channels);
  tensor(`${wName}_q`, OnnxType.int8, w.dims, q);
  tensor(`${wName}_scale`, OnnxType.float, [channels], scales);
  tensor(`${wName}_zp`, OnnxType.int8, [channels], new Int8Array(channels));
  nodes.push(
    qdqNode('DequantizeLinear', [`${wName}_q`, `${wName}_scale`, `${wName}_zp`], `${wName}_dq`, 0),
  );
  if (!bName) return [wName];
  const b = floatsOf(inits.get(bName)!);
  const bScales = scales.map((s) => Math.fround(s * inputScale));
  const bq = Int32Array.from(b, (v, c) => Math.round(v / bScales[c]!));
  if (bq.some((v) => Math.abs(v) >= 2 ** 31 - 1)) throw new Error(`bias ${bName} overflows int32`);
  tensor(`${bName}_q`, OnnxType.int32, [channels], bq);
  tensor(`${bName}_scale`, OnnxType.float, [channels], bScales);
  tensor(`${bName}_zp`, OnnxType.int32, [channels], new Int32Array(channels));
  nodes.push(
    qdqNode('DequantizeLinear', [`${bName}_q`, `${bName}_scale`, `${bName}_zp`], `${bName}_dq`, 0),
  );
  return [wName, bName];
}

/**
 * MobileNetV2 block of a Conv in MoveNet's backbone (Conv1 and expanded_conv: 0, block_N: N,
 * Conv_1: 17), undefined for the FPN and the heads.
 */
export function backboneBlock(convName: string): number | undefined {
  const layer = /\/model_1\/model\/([^/]+)\//.exec(convName)?.[1];
  if (!layer) return undefined;
  const block = /^block_(\d+)_/.exec(layer);
  if (block) return Number(block[1]);
  if (/^(Conv1|expanded_conv)_/.test(layer)) return 0;
  if (/^out_relu$/.test(layer)) return 17;
  return undefined;
}

/** Selects the backbone's Convs of blocks `first` to `last`, both included. */
export function backboneBlocks(first: number, last: number): ConvSelector {
  return (conv) => {
    const block = backboneBlock(conv.name);
    return block !== undefined && block >= first && block <= last;
  };
}
