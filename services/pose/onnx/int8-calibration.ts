import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { VigilError } from '../../core/errors';
import { repoRoot } from '../../core/package-info';
import type { ModelManifestEntry } from '../model-files';
import { CONVERTER_VERSION, INT8_BLOCKS } from './convert-movenet';
import type { Int8Build } from './convert-movenet';
import type { ActivationRanges } from './int8-quantizer';
import type { OnnxModel } from './onnx-proto';
import { OnnxType } from './onnx-proto';

/**
 * The activation ranges an int8 model is built from: measured once by scripts/calibrate-int8.ts
 * on vtest.avi frames outside the scored 1-400 (tiled and letterboxed as the daemon does) and
 * committed as models/movenet-int8-ranges.json, so every daemon builds the same int8 model from
 * its own fp32 conversion, with no footage and nothing downloaded.
 */
export interface Int8Calibration {
  format: 'vigil-int8-ranges/v1';
  /** sha256 of the tfjs graph file the ranges were measured on. */
  graphSha256: string;
  converterVersion: number;
  input: string;
  frames: string;
  method: string;
  ranges: Record<string, [number, number]>;
}

export const CALIBRATION_FILE = 'movenet-int8-ranges.json';

/** The calibration model: the fp32 model that also outputs each tensor to calibrate. */
export function withTensorOutputs(model: OnnxModel, tensors: readonly string[]): OnnxModel {
  return {
    ...model,
    outputs: [...model.outputs, ...tensors.map((name) => ({ name, type: OnnxType.float }))],
  };
}

/** Running min and max per tensor over calibration frames. */
export class RangeCollector {
  private readonly ranges = new Map<string, [number, number]>();

  add(name: string, data: Float32Array): void {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const r = this.ranges.get(name);
    this.ranges.set(name, r ? [Math.min(r[0], lo), Math.max(r[1], hi)] : [lo, hi]);
  }

  result(): Record<string, [number, number]> {
    return Object.fromEntries([...this.ranges].map(([k, [lo, hi]]) => [k, [lo, hi]]));
  }
}

/** A short, stable digest of what an int8 model is built from (its cache key). */
export function calibrationKey(c: Int8Calibration, first: number, last: number): string {
  const h = createHash('sha256').update(JSON.stringify(c)).update(`blocks:${first}-${last}`);
  return h.digest('hex').slice(0, 12);
}

/**
 * Reads and checks the committed ranges against the graph and converter they must belong to:
 * a mismatch is VIGIL_ERR_MODEL_CONVERT naming the fix (npm run calibrate:int8).
 */
export function readCalibration(
  modelsDir: string,
  graphSha256: string,
  converterVersion: number,
): { calibration: Int8Calibration; ranges: ActivationRanges } {
  const file = path.join(modelsDir, CALIBRATION_FILE);
  const fail = (why: string) =>
    new VigilError(
      'VIGIL_ERR_MODEL_CONVERT',
      `int8 needs ${file}: ${why} (run npm run calibrate:int8, or set inference.precision: fp32)`,
    );
  if (!existsSync(file)) throw fail('the file is missing');
  const c = JSON.parse(readFileSync(file, 'utf8')) as Int8Calibration;
  if (c.format !== 'vigil-int8-ranges/v1') throw fail(`unknown format ${String(c.format)}`);
  if (c.graphSha256 !== graphSha256) throw fail('it was measured on another model graph');
  if (c.converterVersion !== converterVersion) throw fail('it was measured on another converter');
  return { calibration: c, ranges: c.ranges };
}

/** An int8 build with its cache key (a digest of the ranges and the blocks quantised). */
export interface Int8Variant extends Int8Build {
  key: string;
}

/** The committed calibration for the manifest's graph and this converter, as an int8 build. */
export function int8VariantFor(
  entry: ModelManifestEntry,
  modelsDir = path.join(repoRoot(), 'models'),
): Int8Variant {
  const graphSha = entry.files[entry.graph]!;
  const { calibration, ranges } = readCalibration(modelsDir, graphSha, CONVERTER_VERSION);
  const { first, last } = INT8_BLOCKS;
  const key = calibrationKey(calibration, first, last);
  return { ranges, firstBlock: first, lastBlock: last, key };
}
