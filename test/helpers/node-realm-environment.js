'use strict';
// A jest environment whose typed arrays are Node's own. jest runs each test file in a vm context
// with its own Float32Array, Int32Array, ...; native addons (onnxruntime-node) create their
// results in Node's realm, and ONNX Runtime's JS checks `data instanceof Float32Array` against the
// test file's realm, which fails. Sharing the constructors makes both realms agree.
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

class NodeRealmEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = NodeRealmEnvironment;
