import type { CapturedGraph, CapturedTensor, TfAttr, TfNode } from './tf-graph-capture';
import type { OnnxGraphBuilder } from './onnx-graph-builder';
import { OnnxType } from './onnx-proto';
import type { OnnxElemType } from './onnx-proto';

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];

export const ONNX_TYPE_OF: Record<CapturedTensor['dtype'], OnnxElemType> = {
  float32: OnnxType.float,
  int32: OnnxType.int32,
  bool: OnnxType.bool,
};

/** tfjs attribute readers (strings in the JSON are base64). */
export const attrs = {
  int: (n: TfNode, k: string, dflt?: number): number => {
    const v = n.attr[k]?.i;
    if (v === undefined && dflt === undefined) throw new Error(`${n.name}: no attribute ${k}`);
    return v === undefined ? dflt! : Number(v);
  },
  ints: (n: TfNode, k: string): number[] => (n.attr[k]?.list?.i ?? []).map(Number),
  bool: (n: TfNode, k: string): boolean => n.attr[k]?.b === true,
  str: (n: TfNode, k: string): string => decode(n.attr[k]),
  strs: (n: TfNode, k: string): string[] =>
    (n.attr[k]?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8')),
  type: (n: TfNode, k: string): string => n.attr[k]?.type ?? '',
};

function decode(a: TfAttr | undefined): string {
  return a?.s === undefined ? '' : Buffer.from(a.s, 'base64').toString('utf8');
}

interface Forms {
  /** The tensor in tfjs's own layout (NHWC for images). */
  graph?: string;
  /** The same 4-D tensor as NCHW, the layout of ONNX's Conv, MaxPool and Resize. */
  nchw?: string;
}

/**
 * What a conversion knows of each tfjs tensor: its captured shape and dtype, its static value,
 * and the ONNX names that hold it. An image tensor produced by a convolution stays in NCHW until
 * something needs tfjs's layout, so a chain of convolutions and additions has no transposes.
 */
export class ConversionContext {
  private readonly forms = new Map<string, Forms>();

  constructor(
    readonly b: OnnxGraphBuilder,
    private readonly g: CapturedGraph,
  ) {}

  info(ref: string): CapturedTensor {
    const t = this.g.tensors.get(ref);
    if (!t) throw new Error(`no captured shape for tensor ${ref}`);
    return t;
  }

  shape(ref: string): number[] {
    return this.info(ref).shape;
  }

  isStatic(ref: string): boolean {
    return this.g.isStatic(ref);
  }

  /** The value of a static tensor as plain numbers. */
  constant(ref: string): number[] {
    const v = this.info(ref).values;
    if (!this.isStatic(ref) || !v) throw new Error(`tensor ${ref} is not a constant here`);
    return Array.from(v);
  }

  /** The tensor in tfjs's layout; a static tensor becomes an initializer on first use. */
  value(ref: string): string {
    const f = this.formsOf(ref);
    if (f.graph) return f.graph;
    if (f.nchw) return (f.graph = this.b.op('Transpose', [f.nchw], ref, { perm: TO_NHWC }));
    if (this.isStatic(ref)) {
      const t = this.info(ref);
      const data = t.dtype === 'bool' ? Uint8Array.from(t.values!) : t.values!;
      return (f.graph = this.b.tensor(ref, ONNX_TYPE_OF[t.dtype], t.shape, data));
    }
    throw new Error(`tensor ${ref} is used before it is computed`);
  }

  /** The 4-D tensor as NCHW. */
  nchw(ref: string): string {
    const f = this.formsOf(ref);
    if (f.nchw) return f.nchw;
    if (this.shape(ref).length !== 4) throw new Error(`tensor ${ref} is not 4-D`);
    return (f.nchw = this.b.op('Transpose', [this.value(ref)], ref, { perm: TO_NCHW }));
  }

  /** True when the tensor exists as NCHW (a transpose to use it so would cost nothing). */
  inNchw(ref: string): boolean {
    return this.formsOf(ref).nchw !== undefined;
  }

  /** A static tensor of one element, which broadcasts the same in either layout. */
  isScalarConstant(ref: string): boolean {
    return this.isStatic(ref) && this.shape(ref).reduce((a, d) => a * d, 1) === 1;
  }

  set(ref: string, name: string, layout: 'graph' | 'nchw' = 'graph'): void {
    const f = this.formsOf(ref);
    if (layout === 'graph') f.graph = name;
    else f.nchw = name;
  }

  private formsOf(ref: string): Forms {
    let f = this.forms.get(ref);
    if (!f) this.forms.set(ref, (f = {}));
    return f;
  }
}

/** Normalises a possibly negative axis of a tensor of `rank`. */
export function axisOf(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}
