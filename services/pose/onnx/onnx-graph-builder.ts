import type { AttrValue, OnnxElemType, OnnxNode, OnnxTensor } from './onnx-proto';
import { OnnxType } from './onnx-proto';

/** Little-endian bytes of a typed array (the machine's order is checked once). */
function rawBytes(a: Float32Array | Int32Array | BigInt64Array | Uint8Array): Uint8Array {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1)
    throw new Error('ONNX conversion needs a little-endian machine');
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * Collects the nodes and initializers of an ONNX graph in the order they are added, with unique
 * names. Small integer constants (shapes, axes) are shared by content.
 */
export class OnnxGraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly used = new Set<string>();
  private readonly int64s = new Map<string, string>();

  /** A fresh name from a hint (tfjs names are kept where free, so the graph stays readable). */
  fresh(hint: string): string {
    let name = hint;
    for (let k = 1; this.used.has(name); k++) name = `${hint}__${k}`;
    this.used.add(name);
    return name;
  }

  tensor(
    hint: string,
    type: OnnxElemType,
    dims: readonly number[],
    data: Float32Array | Int32Array | BigInt64Array | Uint8Array,
  ): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, type, dims: [...dims], raw: rawBytes(data) });
    return name;
  }

  /** An int64 constant, shared with any other of the same dims and values. */
  int64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `${dims.join('x')}:${values.join(',')}`;
    const known = this.int64s.get(key);
    if (known) return known;
    const name = this.tensor('const_i64', OnnxType.int64, dims, BigInt64Array.from(values, BigInt));
    this.int64s.set(key, name);
    return name;
  }

  float(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.tensor('const_f32', OnnxType.float, dims, Float32Array.from(values));
  }

  /** Adds a node; returns its output names (`outputs` of them). */
  node(
    op: string,
    inputs: readonly string[],
    hint: string,
    attrs?: Record<string, AttrValue>,
    outputs = 1,
  ): string[] {
    const name = this.fresh(`${hint}/${op}`);
    const outs = Array.from({ length: outputs }, (_, k) => this.fresh(`${name}:${k}`));
    this.nodes.push({ op, name, inputs: [...inputs], outputs: outs, attrs });
    return outs;
  }

  /** A one-output node. */
  op(op: string, inputs: readonly string[], hint: string, attrs?: Record<string, AttrValue>) {
    return this.node(op, inputs, hint, attrs)[0]!;
  }
}
