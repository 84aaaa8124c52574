import type { TfNode } from './tf-graph-capture';
import { attrs } from './conversion-context';
import type { ConversionContext } from './conversion-context';
import { OnnxType } from './onnx-proto';

/** TF padding of one spatial axis as [before, after]: SAME puts the odd pixel after. */
export function samePads(inSize: number, outSize: number, k: number, stride: number, dil = 1) {
  const total = Math.max((outSize - 1) * stride + (k - 1) * dil + 1 - inSize, 0);
  const before = Math.floor(total / 2);
  return [before, total - before] as const;
}

/** ONNX pads [top, left, bottom, right] for an NHWC op with kernel kh x kw. */
function padsOf(n: TfNode, ctx: ConversionContext, kh: number, kw: number): number[] {
  const padding = attrs.str(n, 'padding');
  const [, ih, iw] = ctx.shape(n.inputs[0]!);
  const [, oh, ow] = ctx.shape(n.name);
  const [, sh, sw] = attrs.ints(n, 'strides');
  const dil = attrs.ints(n, 'dilations');
  if (padding === 'VALID') return [0, 0, 0, 0];
  if (padding === 'EXPLICIT') {
    const p = attrs.ints(n, 'explicit_paddings'); // NHWC pairs
    return [p[2]!, p[4]!, p[3]!, p[5]!];
  }
  if (padding !== 'SAME') throw new Error(`${n.name}: padding ${padding}`);
  const [t, b] = samePads(ih!, oh!, kh, sh!, dil[1] ?? 1);
  const [l, r] = samePads(iw!, ow!, kw, sw!, dil[2] ?? 1);
  return [t, l, b, r];
}

function checkNhwc(n: TfNode): void {
  const format = attrs.str(n, 'data_format');
  if (format && format !== 'NHWC') throw new Error(`${n.name}: data_format ${format}`);
}

/** HWIO (conv) or HWCM (depthwise) filter values as ONNX's OIHW. */
function filterOihw(values: number[], shape: number[], depthwise: boolean) {
  const [kh, kw, ci, m] = shape as [number, number, number, number];
  const out = depthwise ? ci * m : m;
  const inPerGroup = depthwise ? 1 : ci;
  const w = new Float32Array(out * inPerGroup * kh * kw);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let c = 0; c < ci; c++)
        for (let j = 0; j < m; j++) {
          const src = values[((y * kw + x) * ci + c) * m + j]!;
          const o = depthwise ? c * m + j : j;
          const i = depthwise ? 0 : c;
          w[((o * inPerGroup + i) * kh + y) * kw + x] = src;
        }
  return { w, dims: [out, inPerGroup, kh, kw], group: depthwise ? ci : 1 };
}

/** _FusedConv2D, FusedDepthwiseConv2dNative, DepthwiseConv2dNative: Conv (+ Relu / Clip). */
export function convolution(n: TfNode, ctx: ConversionContext): void {
  checkNhwc(n);
  const depthwise = n.op !== '_FusedConv2D';
  const [x, filter, bias, extra] = n.inputs;
  const fused = n.op === 'DepthwiseConv2dNative' ? [] : attrs.strs(n, 'fused_ops');
  if (extra !== undefined || (fused.length > 0 && fused[0] !== 'BiasAdd'))
    throw new Error(`${n.name}: fused ops ${fused.join('+')} are not supported`);
  const fShape = ctx.shape(filter!);
  const { w, dims, group } = filterOihw(ctx.constant(filter!), fShape, depthwise);
  const inputs = [ctx.nchw(x!), ctx.b.tensor(`${filter}_oihw`, OnnxType.float, dims, w)];
  if (fused[0] === 'BiasAdd') inputs.push(ctx.value(bias!));
  const dil = attrs.ints(n, 'dilations');
  let y = ctx.b.op('Conv', inputs, n.name, {
    group,
    kernel_shape: [fShape[0]!, fShape[1]!],
    strides: attrs.ints(n, 'strides').slice(1, 3),
    dilations: dil.length === 4 ? dil.slice(1, 3) : [1, 1],
    pads: padsOf(n, ctx, fShape[0]!, fShape[1]!),
  });
  const activation = fused[1];
  if (activation === 'Relu') y = ctx.b.op('Relu', [y], n.name);
  else if (activation === 'Relu6')
    y = ctx.b.op('Clip', [y, ctx.b.float([0], []), ctx.b.float([6], [])], n.name);
  else if (activation !== undefined) throw new Error(`${n.name}: activation ${activation}`);
  ctx.set(n.name, y, 'nchw');
}

export function maxPool(n: TfNode, ctx: ConversionContext): void {
  checkNhwc(n);
  const [, kh, kw] = attrs.ints(n, 'ksize');
  const y = ctx.b.op('MaxPool', [ctx.nchw(n.inputs[0]!)], n.name, {
    kernel_shape: [kh!, kw!],
    strides: attrs.ints(n, 'strides').slice(1, 3),
    pads: padsOf(n, ctx, kh!, kw!),
  });
  ctx.set(n.name, y, 'nchw');
}

/** ResizeBilinear to the captured output size, with TF's coordinate convention. */
export function resizeBilinear(n: TfNode, ctx: ConversionContext): void {
  const [, oh, ow, c] = ctx.shape(n.name);
  const mode = attrs.bool(n, 'align_corners')
    ? 'align_corners'
    : attrs.bool(n, 'half_pixel_centers')
      ? 'half_pixel'
      : 'asymmetric';
  const sizes = ctx.b.int64([ctx.shape(n.inputs[0]!)[0]!, c!, oh!, ow!]);
  const y = ctx.b.op('Resize', [ctx.nchw(n.inputs[0]!), '', '', sizes], n.name, {
    mode: 'linear',
    coordinate_transformation_mode: mode,
  });
  ctx.set(n.name, y, 'nchw');
}
