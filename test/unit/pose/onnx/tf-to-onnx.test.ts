import type { CapturedGraph, TfNode } from '../../../../services/pose/onnx/tf-graph-capture';
import { canonicalRef, nodeOf } from '../../../../services/pose/onnx/tf-graph-capture';
import { samePads } from '../../../../services/pose/onnx/tf-image-ops';
import { tfGraphToOnnx } from '../../../../services/pose/onnx/tf-to-onnx';

test.each([
  // in, out, kernel, stride: TF SAME puts the odd pixel after
  [256, 128, 3, 2, [0, 1]],
  [320, 160, 3, 2, [0, 1]],
  [64, 64, 3, 1, [1, 1]],
  [64, 64, 5, 1, [2, 2]],
  [64, 64, 1, 1, [0, 0]],
  [65, 33, 3, 2, [1, 1]],
])('SAME padding of %i -> %i with a %i-kernel at stride %i is %j', (i, o, k, s, want) => {
  expect(samePads(i, o, k, s)).toEqual(want);
});

test('tensor references: `a:0` is `a`, and `a:1` belongs to node a', () => {
  expect(canonicalRef('x/y:0')).toBe('x/y');
  expect(canonicalRef('x/y:1')).toBe('x/y:1');
  expect(nodeOf('TopKV2:1')).toBe('TopKV2');
  expect(nodeOf('a/b')).toBe('a/b');
});

function graph(nodes: TfNode[], shapes: Record<string, number[]>): CapturedGraph {
  const tensors = new Map(
    Object.entries(shapes).map(([k, shape]) => [k, { shape, dtype: 'float32' as const }]),
  );
  return { nodes, tensors, isStatic: () => false };
}

test('an op without a mapping fails the conversion and names the op; nothing is left out', () => {
  const g = graph(
    [
      { name: 'input', op: 'Placeholder', inputs: [], attr: {} },
      { name: 'weird', op: 'Erfinv', inputs: ['input'], attr: {} },
      { name: 'Identity', op: 'Identity', inputs: ['weird'], attr: {} },
    ],
    { input: [1, 4, 4, 3], weird: [1, 4, 4, 3], Identity: [1, 4, 4, 3] },
  );
  expect(() => tfGraphToOnnx(g, { output: 'Identity', producerVersion: '1', doc: '' })).toThrow(
    /Erfinv \(weird\) has no ONNX mapping/,
  );
});

test('element-wise ops between NCHW tensors stay NCHW: one transpose back at the output', () => {
  const s = [1, 4, 4, 3];
  const g = graph(
    [
      { name: 'input', op: 'Placeholder', inputs: [], attr: {} },
      { name: 'pool', op: 'MaxPool', inputs: ['input'], attr: poolAttr() },
      { name: 'sig', op: 'Sigmoid', inputs: ['pool'], attr: {} },
      { name: 'add', op: 'AddV2', inputs: ['pool', 'sig'], attr: {} },
      { name: 'Identity', op: 'Identity', inputs: ['add'], attr: {} },
    ],
    { input: s, pool: s, sig: s, add: s, Identity: s },
  );
  const m = tfGraphToOnnx(g, { output: 'Identity', producerVersion: '1', doc: '' });
  expect(m.nodes.map((n) => n.op)).toEqual([
    'Transpose',
    'MaxPool',
    'Sigmoid',
    'Add',
    'Transpose',
    'Identity',
  ]);
  expect(m.nodes[0]!.attrs).toEqual({ perm: [0, 3, 1, 2] });
  expect(m.nodes[1]!.attrs).toMatchObject({ kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
});

function poolAttr(): TfNode['attr'] {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return {
    ksize: { list: { i: ['1', '3', '3', '1'] } },
    strides: { list: { i: ['1', '1', '1', '1'] } },
    padding: { s: b64('SAME') },
    data_format: { s: b64('NHWC') },
  };
}
