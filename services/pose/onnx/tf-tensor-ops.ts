import type { TfNode } from './tf-graph-capture';
import { attrs, axisOf } from './conversion-context';
import type { ConversionContext } from './conversion-context';
import { OnnxType } from './onnx-proto';

type Convert = (n: TfNode, ctx: ConversionContext) => void;

/**
 * An element-wise op, computed in NCHW when every input already is (or is a one-element
 * constant), so that residual additions between convolutions need no transpose.
 */
function elementwise(build: (ctx: ConversionContext, xs: string[], hint: string) => string) {
  return (n: TfNode, ctx: ConversionContext) => {
    const nchw =
      n.inputs.some((i) => ctx.inNchw(i)) &&
      n.inputs.every((i) => ctx.inNchw(i) || ctx.isScalarConstant(i)) &&
      ctx.shape(n.name).length === 4;
    const xs = n.inputs.map((i) => (nchw && ctx.inNchw(i) ? ctx.nchw(i) : ctx.value(i)));
    ctx.set(n.name, build(ctx, xs, n.name), nchw ? 'nchw' : 'graph');
  };
}

const simple = (op: string) => elementwise((ctx, xs, hint) => ctx.b.op(op, xs, hint));

/** Anything that only rearranges shape: a Reshape to the captured output shape. */
const reshape: Convert = (n, ctx) => {
  const y = ctx.b.op('Reshape', [ctx.value(n.inputs[0]!), ctx.b.int64(ctx.shape(n.name))], n.name);
  ctx.set(n.name, y);
};

const TYPES: Record<string, number> = {
  DT_FLOAT: OnnxType.float,
  DT_INT32: OnnxType.int32,
  DT_BOOL: OnnxType.bool,
};

const cast: Convert = (n, ctx) => {
  const to = TYPES[attrs.type(n, 'DstT')];
  if (to === undefined) throw new Error(`${n.name}: cast to ${attrs.type(n, 'DstT')}`);
  elementwise((c, xs, hint) => c.b.op('Cast', xs, hint, { to }))(n, ctx);
};

/** StridedSlice: a Slice over the dimensions it consumes, then the captured output shape. */
const stridedSlice: Convert = (n, ctx) => {
  const [x, b, e, s] = n.inputs as [string, string, string, string];
  const [begin, end, strides] = [ctx.constant(b), ctx.constant(e), ctx.constant(s)];
  const mask = (k: string) => attrs.int(n, k, 0);
  if (mask('ellipsis_mask') !== 0) throw new Error(`${n.name}: ellipsis_mask`);
  const dims = ctx.shape(x);
  const starts: number[] = [];
  const ends: number[] = [];
  const axes: number[] = [];
  const steps: number[] = [];
  let axis = 0;
  for (let i = 0; i < begin.length; i++) {
    if ((mask('new_axis_mask') >> i) & 1) continue;
    const step = strides[i]!;
    const lo = (mask('begin_mask') >> i) & 1 ? (step > 0 ? 0 : dims[axis]! - 1) : begin[i]!;
    let hi = (mask('end_mask') >> i) & 1 ? (step > 0 ? dims[axis]! : -(2 ** 31)) : end[i]!;
    if ((mask('shrink_axis_mask') >> i) & 1) hi = lo === -1 ? dims[axis]! : lo + 1;
    starts.push(lo);
    ends.push(hi);
    axes.push(axis++);
    steps.push(step);
  }
  const b64 = (v: number[]) => ctx.b.int64(v);
  const sliced = ctx.b.op(
    'Slice',
    [ctx.value(x), b64(starts), b64(ends), b64(axes), b64(steps)],
    n.name,
  );
  ctx.set(n.name, ctx.b.op('Reshape', [sliced, b64(ctx.shape(n.name))], n.name));
};

/** Pack: each input gets a 1 at `axis`, then one Concat. */
const pack: Convert = (n, ctx) => {
  const out = ctx.shape(n.name);
  const axis = axisOf(attrs.int(n, 'axis', 0), out.length);
  const piece = [...out];
  piece[axis] = 1;
  const parts = n.inputs.map((i) =>
    ctx.b.op('Reshape', [ctx.value(i), ctx.b.int64(piece)], n.name),
  );
  ctx.set(n.name, ctx.b.op('Concat', parts, n.name, { axis }));
};

/** Split into equal parts along `axis`, each reshaped to its captured output shape. */
function splitInto(n: TfNode, ctx: ConversionContext, x: string, axis: number, parts: number) {
  const outs = ctx.b.node('Split', [ctx.value(x)], n.name, { axis }, parts);
  outs.forEach((o, k) => {
    const ref = k === 0 ? n.name : `${n.name}:${k}`;
    ctx.set(ref, ctx.b.op('Reshape', [o, ctx.b.int64(ctx.shape(ref))], n.name));
  });
}

const unpack: Convert = (n, ctx) => {
  const x = n.inputs[0]!;
  splitInto(n, ctx, x, axisOf(attrs.int(n, 'axis', 0), ctx.shape(x).length), attrs.int(n, 'num'));
};

const split: Convert = (n, ctx) => {
  const [dim, x] = n.inputs as [string, string];
  splitInto(
    n,
    ctx,
    x,
    axisOf(ctx.constant(dim)[0]!, ctx.shape(x).length),
    attrs.int(n, 'num_split'),
  );
};

const concat: Convert = (n, ctx) => {
  const values = n.inputs.slice(0, -1);
  const axis = axisOf(ctx.constant(n.inputs.at(-1)!)[0]!, ctx.shape(n.name).length);
  ctx.set(
    n.name,
    ctx.b.op(
      'Concat',
      values.map((v) => ctx.value(v)),
      n.name,
      { axis },
    ),
  );
};

const tile: Convert = (n, ctx) => {
  const [x, reps] = n.inputs as [string, string];
  ctx.set(n.name, ctx.b.op('Tile', [ctx.value(x), ctx.b.int64(ctx.constant(reps))], n.name));
};

/** TopKV2: values and int32 indices of the k largest along the last axis, sorted. */
const topK: Convert = (n, ctx) => {
  const [x, k] = n.inputs as [string, string];
  const [values, indices] = ctx.b.node(
    'TopK',
    [ctx.value(x), ctx.b.int64(ctx.constant(k))],
    n.name,
    { axis: -1, largest: 1, sorted: 1 },
    2,
  ) as [string, string];
  ctx.set(n.name, values);
  ctx.set(`${n.name}:1`, ctx.b.op('Cast', [indices], n.name, { to: OnnxType.int32 }));
};

const argMax: Convert = (n, ctx) => {
  const [x, dim] = n.inputs as [string, string];
  const axis = axisOf(ctx.constant(dim)[0]!, ctx.shape(x).length);
  const i64 = ctx.b.op('ArgMax', [ctx.value(x)], n.name, { axis, keepdims: 0 });
  ctx.set(n.name, ctx.b.op('Cast', [i64], n.name, { to: TYPES[attrs.type(n, 'output_type')]! }));
};

const gatherNd: Convert = (n, ctx) => {
  const [params, indices] = n.inputs as [string, string];
  const idx = ctx.b.op('Cast', [ctx.value(indices)], n.name, { to: OnnxType.int64 });
  ctx.set(n.name, ctx.b.op('GatherND', [ctx.value(params), idx], n.name));
};

function reduce(op: 'ReduceMax' | 'ReduceSum'): Convert {
  return (n, ctx) => {
    const [x, r] = n.inputs as [string, string];
    const rank = ctx.shape(x).length;
    const axes = ctx.constant(r).map((a) => axisOf(a, rank));
    const keepdims = attrs.bool(n, 'keep_dims') ? 1 : 0;
    // opset 13: ReduceSum takes its axes as an input, ReduceMax still as an attribute.
    const y =
      op === 'ReduceSum'
        ? ctx.b.op(op, [ctx.value(x), ctx.b.int64(axes)], n.name, { keepdims })
        : ctx.b.op(op, [ctx.value(x)], n.name, { axes, keepdims });
    ctx.set(n.name, y);
  };
}

/** Select: TF's v1 rule lets a vector condition pick whole rows; ONNX Where needs it broadcast. */
const select: Convert = (n, ctx) => {
  const [c, a, b] = n.inputs as [string, string, string];
  let cond = ctx.value(c);
  const [cs, as] = [ctx.shape(c), ctx.shape(a)];
  if (cs.length === 1 && as.length > 1) {
    const dims = [cs[0]!, ...as.slice(1).map(() => 1)];
    cond = ctx.b.op('Reshape', [cond, ctx.b.int64(dims)], n.name);
  }
  ctx.set(n.name, ctx.b.op('Where', [cond, ctx.value(a), ctx.value(b)], n.name));
};

const floorDiv: Convert = (n, ctx) => {
  const float = ctx.info(n.name).dtype === 'float32';
  elementwise((c, xs, hint) => {
    const q = c.b.op('Div', xs, hint);
    return float ? c.b.op('Floor', [q], hint) : q; // integer Div truncates: right for x >= 0
  })(n, ctx);
};

const squaredDifference = elementwise((ctx, xs, hint) => {
  const d = ctx.b.op('Sub', xs, hint);
  return ctx.b.op('Mul', [d, d], hint);
});

const identity: Convert = (n, ctx) => {
  const x = n.inputs[0]!;
  if (ctx.inNchw(x)) ctx.set(n.name, ctx.nchw(x), 'nchw');
  else ctx.set(n.name, ctx.value(x));
};

/** The tfjs ops this converter maps, by tfjs op name. */
export const TENSOR_OPS: Record<string, Convert> = {
  AddV2: simple('Add'),
  Add: simple('Add'),
  AddN: simple('Sum'),
  Sub: simple('Sub'),
  Mul: simple('Mul'),
  RealDiv: simple('Div'),
  Maximum: simple('Max'),
  Minimum: simple('Min'),
  Less: simple('Less'),
  Greater: simple('Greater'),
  GreaterEqual: simple('GreaterOrEqual'),
  Equal: simple('Equal'),
  LogicalAnd: simple('And'),
  Sigmoid: simple('Sigmoid'),
  Abs: simple('Abs'),
  Exp: simple('Exp'),
  Reciprocal: simple('Reciprocal'),
  Relu: simple('Relu'),
  SquaredDifference: squaredDifference,
  FloorDiv: floorDiv,
  Cast: cast,
  Identity: identity,
  Reshape: reshape,
  Squeeze: reshape,
  ExpandDims: reshape,
  StridedSlice: stridedSlice,
  Pack: pack,
  Unpack: unpack,
  Split: split,
  ConcatV2: concat,
  Tile: tile,
  TopKV2: topK,
  ArgMax: argMax,
  GatherNd: gatherNd,
  Max: reduce('ReduceMax'),
  Sum: reduce('ReduceSum'),
  Select: select,
};
