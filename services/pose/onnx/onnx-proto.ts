import protobuf from 'protobufjs';

/**
 * The part of the ONNX format (onnx.proto, IR version 7) that Vigil writes: a model, its graph,
 * nodes with attributes, tensors as raw little-endian bytes, and typed graph inputs and outputs.
 * Field numbers are the format's; encoding is protobufjs's, field by field in number order, so
 * the same model always gives the same bytes.
 */
const SCHEMA = `
syntax = "proto2";
package onnx;
message AttributeProto {
  optional string name = 1;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
  optional int32 type = 20;
}
message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
}
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  repeated AttributeProto attribute = 5;
}
message ModelProto {
  optional int64 ir_version = 1;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
}
message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}
message TensorProto {
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  optional string name = 8;
  optional bytes raw_data = 9;
}
message TensorShapeProto {
  message Dimension {
    optional int64 dim_value = 1;
  }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  optional Tensor tensor_type = 1;
}
message OperatorSetIdProto {
  optional string domain = 1;
  optional int64 version = 2;
}
`;

/** ONNX TensorProto.DataType values used here. */
export const OnnxType = { float: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9 } as const;
export type OnnxElemType = (typeof OnnxType)[keyof typeof OnnxType];

/** AttributeProto.AttributeType values used here. */
const AttrType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

export type AttrValue = number | string | number[] | { float: number } | { floats: number[] };

export interface OnnxTensor {
  name: string;
  dims: number[];
  type: OnnxElemType;
  raw: Uint8Array;
}

export interface OnnxNode {
  op: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, AttrValue>;
}

export interface OnnxValueInfo {
  name: string;
  type: OnnxElemType;
  /** Omitted: the shape is left to ONNX Runtime's inference (calibration outputs). */
  dims?: number[];
}

export interface OnnxModel {
  opset: number;
  producer: string;
  producerVersion: string;
  doc: string;
  graphName: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

let root: protobuf.Root | undefined;
function modelType(): protobuf.Type {
  root ??= protobuf.parse(SCHEMA, { keepCase: true }).root;
  return root.lookupType('onnx.ModelProto');
}

/** An attribute: integers are INT, `{ float }` FLOAT, strings STRING, arrays INTS. */
function attribute(name: string, v: AttrValue): Record<string, unknown> {
  if (typeof v === 'string') return { name, type: AttrType.STRING, s: Buffer.from(v, 'utf8') };
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Error(`attribute ${name}: ${v} is not an integer`);
    return { name, type: AttrType.INT, i: v };
  }
  if (Array.isArray(v)) return { name, type: AttrType.INTS, ints: v };
  if ('float' in v) return { name, type: AttrType.FLOAT, f: v.float };
  return { name, type: AttrType.FLOATS, floats: v.floats };
}

function valueInfo(v: OnnxValueInfo): Record<string, unknown> {
  return {
    name: v.name,
    type: {
      tensor_type: {
        elem_type: v.type,
        ...(v.dims && { shape: { dim: v.dims.map((d) => ({ dim_value: d })) } }),
      },
    },
  };
}

/** Serialises a model to ONNX protobuf bytes. */
export function encodeModel(m: OnnxModel): Buffer {
  const type = modelType();
  const message = type.fromObject({
    ir_version: 7,
    producer_name: m.producer,
    producer_version: m.producerVersion,
    doc_string: m.doc,
    opset_import: [{ domain: '', version: m.opset }],
    graph: {
      name: m.graphName,
      node: m.nodes.map((n) => ({
        name: n.name,
        op_type: n.op,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)),
      })),
      initializer: m.initializers.map((t) => ({
        name: t.name,
        dims: t.dims,
        data_type: t.type,
        raw_data: t.raw,
      })),
      input: m.inputs.map(valueInfo),
      output: m.outputs.map(valueInfo),
    },
  });
  return Buffer.from(type.encode(message).finish());
}

/** Decodes a model's node list and initializer names (for tests and diagnostics). */
export function decodeModelSummary(bytes: Uint8Array): {
  ops: string[];
  initializers: string[];
  opset: number;
} {
  const obj = modelType().toObject(modelType().decode(bytes), { longs: Number }) as {
    graph: { node: { op_type: string }[]; initializer?: { name: string }[] };
    opset_import: { version: number }[];
  };
  return {
    ops: obj.graph.node.map((n) => n.op_type),
    initializers: (obj.graph.initializer ?? []).map((t) => t.name),
    opset: obj.opset_import[0]?.version ?? 0,
  };
}
