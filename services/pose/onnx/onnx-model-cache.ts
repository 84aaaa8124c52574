import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { builtScript } from '../../core/built-script';
import { VigilError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { ModelManifestEntry, VerifiedModelFiles } from '../model-files';
import { CONVERTER_VERSION } from './convert-movenet';
import type { Int8Build } from './convert-movenet';
import type { ConvertJob, ConvertResult } from './convert-worker';
import type { Int8Variant } from './int8-calibration';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export interface OnnxModelFile {
  bytes: Buffer;
  file: string;
  sha256: string;
  /** models/manifest.json pins this size's sha256 (else the file is checked against its own record). */
  pinned: boolean;
  /** Converted now, not read from the cache. */
  converted: boolean;
}

/** Runs one conversion on its own worker thread. */
export function convertInWorker(
  files: VerifiedModelFiles,
  graphName: string,
  width: number,
  height: number,
  int8?: Int8Build,
): Promise<Buffer> {
  const job: ConvertJob = { files: [...files.contents], graphName, width, height, int8 };
  return new Promise((resolve, reject) => {
    const worker = new Worker(builtScript('pose/onnx/convert-worker.js'), { workerData: job });
    worker.once('message', (m: ConvertResult) => {
      void worker.terminate();
      if (m.ok) resolve(Buffer.from(m.bytes));
      else
        reject(new VigilError('VIGIL_ERR_MODEL_CONVERT', `ONNX conversion failed: ${m.message}`));
    });
    worker.once('error', (err) =>
      reject(new VigilError('VIGIL_ERR_MODEL_CONVERT', `ONNX conversion crashed: ${err.message}`)),
    );
  });
}

/** The cached file when its sha256 is the pinned one (or, unpinned, the one recorded with it). */
function readIfValid(file: string, pin: string | undefined): Buffer | undefined {
  const record = `${file}.sha256`;
  const want = pin ?? (existsSync(record) ? readFileSync(record, 'utf8').trim() : undefined);
  if (!want || !existsSync(file)) return undefined;
  const bytes = readFileSync(file);
  return sha256(bytes) === want ? bytes : undefined;
}

function writeAtomic(file: string, data: Buffer | string): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, data, { mode: 0o644 });
  renameSync(tmp, file);
}

/**
 * The ONNX model for one input size: from `cacheDir` when a file there is intact, else converted
 * from the verified tfjs graph and cached (atomically: concurrent starts are safe). Sizes that
 * models/manifest.json pins must match the pin, read or converted: a changed converter or a
 * tampered cache is refused with VIGIL_ERR_MODEL_CHECKSUM. An int8 variant is cached beside the
 * fp32 file under its own key and checked against the pin of `<size>-int8` when there is one.
 */
export async function onnxModelFor(
  entry: ModelManifestEntry,
  files: VerifiedModelFiles,
  width: number,
  height: number,
  cacheDir: string,
  log: Logger,
  int8?: Int8Variant,
): Promise<OnnxModelFile> {
  const size = `${width}x${height}`;
  const pin = entry.onnx?.[int8 ? `${size}-int8` : size];
  const source = entry.files[entry.graph]!.slice(0, 12);
  const file = path.join(
    path.resolve(cacheDir),
    `movenet-multipose-${source}-c${CONVERTER_VERSION}-${size}${int8 ? `-int8-${int8.key}` : ''}.onnx`,
  );
  const cached = readIfValid(file, pin);
  if (cached)
    return { bytes: cached, file, sha256: sha256(cached), pinned: !!pin, converted: false };
  const t0 = Date.now();
  const build = int8 && {
    ranges: int8.ranges,
    firstBlock: int8.firstBlock,
    lastBlock: int8.lastBlock,
  };
  const bytes = await convertInWorker(files, entry.graph, width, height, build);
  const digest = sha256(bytes);
  if (pin && digest !== pin) {
    throw new VigilError(
      'VIGIL_ERR_MODEL_CHECKSUM',
      `the ONNX conversion for ${size} has sha256 ${digest}, models/manifest.json pins ${pin}: the converter changed (run npm run models -- --pin) or its input did`,
    );
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeAtomic(file, bytes);
  if (!pin) writeAtomic(`${file}.sha256`, `${digest}\n`);
  log.info(
    {
      file,
      size,
      precision: int8 ? 'int8' : 'fp32',
      ms: Date.now() - t0,
      sha256: digest,
      pinned: !!pin,
    },
    pin
      ? 'pose model converted to ONNX (sha256 matches the manifest)'
      : 'pose model converted to ONNX (size not pinned in models/manifest.json)',
  );
  return { bytes, file, sha256: digest, pinned: !!pin, converted: true };
}
