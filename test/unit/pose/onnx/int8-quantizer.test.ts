import {
  activationParams,
  backboneBlock,
  backboneBlocks,
  quantizedTensors,
  quantizeModel,
  quantizePerChannel,
} from '../../../../services/pose/onnx/int8-quantizer';
import type { ActivationRanges } from '../../../../services/pose/onnx/int8-quantizer';
import { OnnxGraphBuilder } from '../../../../services/pose/onnx/onnx-graph-builder';
import {
  decodeModelSummary,
  encodeModel,
  OnnxType,
} from '../../../../services/pose/onnx/onnx-proto';
import type { OnnxModel, OnnxNode } from '../../../../services/pose/onnx/onnx-proto';
import { withTensorOutputs } from '../../../../services/pose/onnx/int8-calibration';

/** Deterministic pseudo-random weights in [-amp, amp]. */
function weights(n: number, amp: number, seed = 1): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return (s / 2 ** 31 - 0.5) * 2 * amp;
  });
}

describe('per-channel int8 weights', () => {
  test('round-trip within half a step of each channel, the peak exact, channels scaled apart', () => {
    const channels = 4;
    const per = 27;
    const w = new Float32Array(channels * per);
    [0.01, 1, 30, 0].forEach((amp, c) => w.set(weights(per, amp, c + 7), c * per));
    const { q, scales } = quantizePerChannel(w, channels);
    for (let c = 0; c < channels; c++) {
      const slice = w.subarray(c * per, (c + 1) * per);
      const peak = Math.max(...slice.map(Math.abs));
      expect(scales[c]).toBeCloseTo(peak > 0 ? peak / 127 : 1, 6);
      for (let i = c * per; i < (c + 1) * per; i++) {
        expect(Math.abs(q[i]! * scales[c]! - w[i]!)).toBeLessThanOrEqual(scales[c]! / 2 + 1e-7);
        expect(Math.abs(q[i]!)).toBeLessThanOrEqual(127);
      }
      if (peak > 0) expect(Math.max(...q.subarray(c * per, (c + 1) * per).map(Math.abs))).toBe(127);
    }
    expect(Array.from(q.subarray(3 * per))).toEqual(new Array(per).fill(0));
  });

  test('weights that do not split into the channels are refused', () => {
    expect(() => quantizePerChannel(new Float32Array(10), 3)).toThrow('do not split');
  });
});

test.each([
  { min: 0, max: 6, scale: 6 / 255, zeroPoint: 0 },
  { min: -1, max: 1, scale: 2 / 255, zeroPoint: 127 },
  { min: 2, max: 4, scale: 4 / 255, zeroPoint: 0 },
  { min: -51, max: 0, scale: 51 / 255, zeroPoint: 255 },
  { min: 0, max: 0, scale: 1, zeroPoint: 0 },
])('uint8 activation parameters of [$min, $max] include zero exactly', (c) => {
  const p = activationParams(c.min, c.max);
  expect(p.scale).toBeCloseTo(c.scale, 6);
  expect(p.zeroPoint).toBe(c.zeroPoint);
  expect((0 - p.zeroPoint) * p.scale).toBeLessThanOrEqual(Math.min(0, c.min) + p.scale);
  expect((255 - p.zeroPoint) * p.scale).toBeGreaterThanOrEqual(Math.max(0, c.max) - p.scale);
});

/**
 * x -> convA -> Clip -> a; a -> convB -> b; Add(a, b) -> s; s -> convC -> y. convA and convB are
 * chosen, convC is not.
 */
function residualModel(): OnnxModel {
  const b = new OnnxGraphBuilder();
  const conv = (name: string, input: string, o: number, i: number) => {
    const w = b.tensor(`${name}_w`, OnnxType.float, [o, i, 1, 1], weights(o * i, 0.5, o + i));
    const bias = b.float(Array.from({ length: o }, (_, k) => k * 0.1 - 0.2));
    return b.op('Conv', [input, w, bias], name);
  };
  const a = b.op('Clip', [conv('convA', 'x', 4, 3), b.float([0], []), b.float([6], [])], 'clipA');
  const s = b.op('Add', [a, conv('convB', a, 4, 4)], 'add');
  b.nodes.push({ op: 'Identity', name: 'out', inputs: [conv('convC', s, 2, 4)], outputs: ['y'] });
  return {
    opset: 13,
    producer: 'vigil-test',
    producerVersion: '1',
    doc: 'residual',
    graphName: 'residual',
    nodes: b.nodes,
    initializers: b.initializers,
    inputs: [{ name: 'x', type: OnnxType.float, dims: [1, 3, 4, 4] }],
    outputs: [{ name: 'y', type: OnnxType.float, dims: [1, 2, 4, 4] }],
  };
}

const chooseAB = (n: OnnxNode) => /^conv[AB]\//.test(n.name);

describe('QDQ placement', () => {
  const model = residualModel();
  const tensors = quantizedTensors(model, chooseAB);
  const ranges: ActivationRanges = Object.fromEntries(tensors.map((t) => [t, [-1, 6]]));
  const q = quantizeModel(model, ranges, chooseAB);
  const producer = (t: string) => q.nodes.findIndex((n) => n.outputs.includes(t));

  test('the chosen convolutions carry uint8 activations in and out (after their Clip), and the residual sum', () => {
    const conv = (name: string) => model.nodes.find((n) => n.name === `${name}/Conv`)!;
    expect(tensors).toEqual([
      'x',
      model.nodes.find((n) => n.op === 'Clip')!.outputs[0],
      conv('convB').outputs[0],
      model.nodes.find((n) => n.op === 'Add')!.outputs[0],
    ]);
  });

  test('each quantised tensor is followed at once by its Q and DQ, and every reader takes the DQ', () => {
    expect(q.nodes[0]).toMatchObject({ op: 'QuantizeLinear', inputs: ['x', 'x_scale', 'x_zp'] });
    for (const t of tensors.slice(1)) {
      const at = producer(t);
      expect(q.nodes[at + 1]).toMatchObject({
        op: 'QuantizeLinear',
        inputs: [t, `${t}_scale`, `${t}_zp`],
      });
      expect(q.nodes[at + 2]).toMatchObject({ op: 'DequantizeLinear', outputs: [`${t}_dq`] });
      const readers = q.nodes.filter((n) => n.inputs.includes(t));
      expect(readers.map((n) => n.op)).toEqual(['QuantizeLinear']);
    }
  });

  test('chosen convolutions read int8 weights and int32 biases per channel; the other stays float', () => {
    for (const n of q.nodes.filter((m) => m.op === 'Conv')) {
      const chosen = chooseAB(n);
      expect(n.inputs.every((i) => i.endsWith('_dq'))).toBe(chosen);
      const w = q.initializers.find((t) => t.name === n.inputs[1]!.replace(/_dq$/, '_q'));
      if (chosen) expect(w).toMatchObject({ type: OnnxType.int8 });
      const bias = q.initializers.find((t) => t.name === n.inputs[2]!.replace(/_dq$/, '_q'));
      if (chosen) expect(bias).toMatchObject({ type: OnnxType.int32, dims: [4] });
    }
    const floats = q.initializers.filter((t) => t.name.endsWith('_w')).map((t) => t.name);
    expect(floats).toEqual(['convC_w']);
    const dq = q.nodes.filter((n) => n.op === 'DequantizeLinear' && n.attrs?.axis === 0);
    expect(dq).toHaveLength(4);
  });

  test('nodes stay in dependency order and the model encodes deterministically', () => {
    const known = new Set(['x', ...q.initializers.map((t) => t.name)]);
    for (const n of q.nodes) {
      for (const i of n.inputs) expect(known.has(i)).toBe(true);
      n.outputs.forEach((o) => known.add(o));
    }
    const again = encodeModel(quantizeModel(residualModel(), ranges, chooseAB));
    expect(Buffer.compare(encodeModel(q), again)).toBe(0);
    expect(decodeModelSummary(again).ops.filter((o) => o === 'QuantizeLinear')).toHaveLength(4);
  });

  test('a tensor without a calibrated range is refused', () => {
    const partial = { ...ranges };
    delete (partial as Record<string, unknown>).x;
    expect(() => quantizeModel(model, partial, chooseAB)).toThrow(
      'no calibrated range for tensor x',
    );
  });

  test('the calibration model also outputs the tensors to calibrate, their shapes left to ORT', () => {
    const cal = withTensorOutputs(model, tensors.slice(1));
    expect(cal.outputs.map((o) => o.name)).toEqual(['y', ...tensors.slice(1)]);
    expect(cal.outputs[1]).toEqual({ name: tensors[1], type: OnnxType.float });
  });
});

test.each([
  ['StatefulPartitionedCall/c/model_1/model/Conv1_relu/Relu6/Conv', 0],
  ['StatefulPartitionedCall/c/model_1/model/expanded_conv_depthwise/depthwise/Conv', 0],
  ['StatefulPartitionedCall/c/model_1/model/block_1_expand_relu/Relu6/Conv', 1],
  ['StatefulPartitionedCall/c/model_1/model/block_16_project_BN/FusedBatchNormV3/Conv', 16],
  ['StatefulPartitionedCall/c/model_1/model/out_relu/Relu6/Conv', 17],
  ['StatefulPartitionedCall/c/model_1/conv2d_3/BiasAdd/Conv', undefined],
  ['StatefulPartitionedCall/kpt_heatmap_0/conv2d_7/BiasAdd/Conv', undefined],
])('%s is backbone block %s', (name, block) => {
  expect(backboneBlock(name)).toBe(block);
  const conv = { op: 'Conv', name, inputs: [], outputs: [] };
  expect(backboneBlocks(1, 5)(conv)).toBe(block !== undefined && block >= 1 && block <= 5);
});
