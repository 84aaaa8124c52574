import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { VigilError } from '../core/errors';
import { repoRoot } from '../core/package-info';

export interface ModelManifestEntry {
  package: string;
  packageVersion: string;
  dir: string;
  graph: string;
  files: Record<string, string>;
  /** sha256 of the ONNX conversion per input size (`320x256`), as Vigil's converter writes it. */
  onnx?: Record<string, string>;
}

export type ModelManifest = Record<string, ModelManifestEntry>;

export function readManifest(
  file = path.join(repoRoot(), 'models', 'manifest.json'),
): ModelManifest {
  return JSON.parse(readFileSync(file, 'utf8')) as ModelManifest;
}

/** Folder of a model's files: the configured one, else inside its npm package. */
export function modelDir(entry: ModelManifestEntry, configured: string): string {
  if (configured) return path.resolve(configured);
  const pkgJson = require.resolve(`${entry.package}/package.json`);
  return path.join(path.dirname(pkgJson), entry.dir);
}

export interface VerifiedModelFiles {
  dir: string;
  /** File name -> contents, every one checked. */
  contents: Map<string, Buffer>;
}

/**
 * Reads every file of a model and checks its sha256 before anything parses it. Throws
 * VIGIL_ERR_MODEL_MISSING or VIGIL_ERR_MODEL_CHECKSUM naming the file.
 */
export function readVerifiedModel(entry: ModelManifestEntry, dir: string): VerifiedModelFiles {
  const contents = new Map<string, Buffer>();
  for (const [name, expected] of Object.entries(entry.files)) {
    const file = path.join(dir, name);
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch (err) {
      throw new VigilError('VIGIL_ERR_MODEL_MISSING', `model file ${file} cannot be read`, {
        cause: err,
      });
    }
    const actual = createHash('sha256').update(data).digest('hex');
    if (actual !== expected) {
      throw new VigilError(
        'VIGIL_ERR_MODEL_CHECKSUM',
        `model file ${file} has sha256 ${actual}, expected ${expected}; refusing to load it`,
      );
    }
    contents.set(name, data);
  }
  return { dir, contents };
}
