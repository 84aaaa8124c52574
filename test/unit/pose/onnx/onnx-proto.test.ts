import {
  decodeModelSummary,
  encodeModel,
  OnnxType,
} from '../../../../services/pose/onnx/onnx-proto';
import type { OnnxModel } from '../../../../services/pose/onnx/onnx-proto';
import { OnnxGraphBuilder } from '../../../../services/pose/onnx/onnx-graph-builder';

function tinyModel(): OnnxModel {
  const b = new OnnxGraphBuilder();
  const one = b.float([1], []);
  const shape = b.int64([1, 4]);
  const sum = b.op('Add', ['x', one], 'add');
  b.nodes.push({ op: 'Reshape', name: 'r', inputs: [sum, shape], outputs: ['y'] });
  return {
    opset: 13,
    producer: 'vigil-test',
    producerVersion: '1',
    doc: 'x + 1',
    graphName: 'tiny',
    nodes: b.nodes,
    initializers: b.initializers,
    inputs: [{ name: 'x', type: OnnxType.float, dims: [2, 2] }],
    outputs: [{ name: 'y', type: OnnxType.float, dims: [1, 4] }],
  };
}

test('a model encodes to the same bytes every time and decodes to its nodes and initializers', () => {
  const a = encodeModel(tinyModel());
  const b = encodeModel(tinyModel());
  expect(Buffer.compare(a, b)).toBe(0);
  expect(decodeModelSummary(a)).toEqual({
    ops: ['Add', 'Reshape'],
    initializers: ['const_f32', 'const_i64'],
    opset: 13,
  });
});

test('the builder keeps names unique and shares equal int64 constants', () => {
  const b = new OnnxGraphBuilder();
  expect(b.fresh('a')).toBe('a');
  expect(b.fresh('a')).toBe('a__1');
  expect(b.int64([1, 2])).toBe(b.int64([1, 2]));
  expect(b.int64([1, 2])).not.toBe(b.int64([1, 2], [2, 1]));
  const [x, y] = b.node('Split', ['in'], 'split', { axis: 0 }, 2);
  expect(x).not.toBe(y);
  expect(b.nodes[0]!.outputs).toEqual([x, y]);
});

test('an attribute that is not an integer where one is needed is refused', () => {
  const m = tinyModel();
  m.nodes[0]!.attrs = { axis: 0.5 };
  expect(() => encodeModel(m)).toThrow(/not an integer/);
});
