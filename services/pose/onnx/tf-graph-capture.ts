import * as tf from '@tensorflow/tfjs-core';
import type { GraphJson } from '../graph-model';
import { graphModelFromFiles } from '../graph-model';

/** One node of a tfjs graph model, as its JSON names it. */
export interface TfNode {
  name: string;
  op: string;
  /** Data inputs (`name` or `name:k`); control inputs (`^name`) are dropped. */
  inputs: string[];
  attr: Record<string, TfAttr>;
}

export interface TfAttr {
  i?: string;
  f?: number;
  b?: boolean;
  s?: string;
  type?: string;
  list?: { i?: string[]; s?: string[] };
}

export type CapturedDtype = 'float32' | 'int32' | 'bool';

/** A tensor of the graph as one run at a fixed input size saw it. */
export interface CapturedTensor {
  shape: number[];
  dtype: CapturedDtype;
  /** Present for static tensors (constants and anything computed from shapes alone). */
  values?: Float32Array | Int32Array | Uint8Array;
}

export interface CapturedGraph {
  nodes: TfNode[];
  tensors: Map<string, CapturedTensor>;
  /** Names of tensors that do not depend on the input's pixel values. */
  isStatic: (ref: string) => boolean;
}

/** `a:0` and `a` are the same tensor. */
export function canonicalRef(ref: string): string {
  return ref.endsWith(':0') ? ref.slice(0, -2) : ref;
}

/** The node a tensor reference belongs to. */
export function nodeOf(ref: string): string {
  const i = ref.lastIndexOf(':');
  return i > 0 && /^\d+$/.test(ref.slice(i + 1)) ? ref.slice(0, i) : ref;
}

/** How many outputs a node has (the ops of this graph that have more than one). */
function outputCount(n: TfNode): number {
  if (n.op === 'TopKV2') return 2;
  if (n.op === 'Unpack') return Number(n.attr.num?.i ?? 1);
  if (n.op === 'Split') return Number(n.attr.num_split?.i ?? 1);
  return 1;
}

export function outputRefs(n: TfNode): string[] {
  return Array.from({ length: outputCount(n) }, (_, k) => (k === 0 ? n.name : `${n.name}:${k}`));
}

export function parseNodes(json: GraphJson): TfNode[] {
  const raw = json.modelTopology.node as unknown as {
    name: string;
    op: string;
    input?: string[];
    attr?: Record<string, TfAttr>;
  }[];
  return raw.map((n) => ({
    name: n.name,
    op: n.op,
    inputs: (n.input ?? []).filter((i) => !i.startsWith('^')).map(canonicalRef),
    attr: n.attr ?? {},
  }));
}

/**
 * A copy of a tensor's data in the array type of its dtype: the wasm backend's data can be a view
 * of its heap (reused once disposed), and the cpu backend keeps an int32 array under a float32
 * cast.
 */
function typedCopy(
  dtype: CapturedDtype,
  data: ArrayLike<number>,
): NonNullable<CapturedTensor['values']> {
  if (dtype === 'float32') return Float32Array.from(data);
  if (dtype === 'int32') return Int32Array.from(data);
  return Uint8Array.from(data);
}

/** Ops whose output depends on the shape of their input only. */
const SHAPE_ONLY = new Set(['Shape', 'Size']);

function staticSet(nodes: readonly TfNode[]): Set<string> {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const memo = new Map<string, boolean>();
  const visit = (name: string): boolean => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    const n = byName.get(name);
    if (!n) throw new Error(`the graph names an unknown node ${name}`);
    memo.set(name, false);
    const s =
      n.op === 'Const' ||
      SHAPE_ONLY.has(n.op) ||
      (n.op !== 'Placeholder' && n.inputs.every((i) => visit(nodeOf(i))));
    memo.set(name, s);
    return s;
  };
  return new Set(nodes.filter((n) => visit(n.name)).map((n) => n.name));
}

/**
 * Runs the graph once on tfjs's wasm backend with a blank image of `width` x `height` and keeps
 * every tensor's shape and dtype, and the values of the static ones. The values of static tensors
 * do not depend on the image, so the capture is the same on every run.
 */
export async function captureGraph(
  contents: ReadonlyMap<string, Buffer>,
  graphName: string,
  width: number,
  height: number,
  backend: 'wasm' | 'cpu' = 'wasm',
): Promise<CapturedGraph> {
  await (backend === 'wasm'
    ? import('@tensorflow/tfjs-backend-wasm')
    : import('@tensorflow/tfjs-backend-cpu'));
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs ${backend} backend could not start`);
  const json = JSON.parse(contents.get(graphName)!.toString('utf8')) as GraphJson;
  const nodes = parseNodes(json);
  const statics = staticSet(nodes);
  const placeholder = nodes.find((n) => n.op === 'Placeholder');
  if (!placeholder) throw new Error('the graph has no input');
  const refs = nodes.filter((n) => n.op !== 'Placeholder').flatMap(outputRefs);
  const model = await graphModelFromFiles(contents, graphName);
  const tensors = new Map<string, CapturedTensor>();
  tensors.set(placeholder.name, { shape: [1, height, width, 3], dtype: 'int32' });
  const input = tf.zeros([1, height, width, 3], 'int32');
  try {
    const outs = model.execute({ [placeholder.name]: input }, refs) as tf.Tensor[];
    for (const [k, t] of outs.entries()) {
      const ref = refs[k]!;
      const dtype = t.dtype as CapturedDtype;
      if (!['float32', 'int32', 'bool'].includes(dtype))
        throw new Error(`tensor ${ref} has dtype ${t.dtype}`);
      const values = statics.has(nodeOf(ref)) ? typedCopy(dtype, t.dataSync()) : undefined;
      tensors.set(ref, { shape: [...t.shape], dtype, values });
    }
    tf.dispose(outs);
  } finally {
    input.dispose();
    model.dispose();
  }
  return { nodes, tensors, isStatic: (ref) => statics.has(nodeOf(ref)) };
}
