import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createHash } from 'node:crypto';
import { parseConfig } from '../services/config/load';
import { repoRoot } from '../services/core/package-info';
import { modelDir, readManifest, readVerifiedModel } from '../services/pose/model-files';
import { convertMoveNet } from '../services/pose/onnx/convert-movenet';
import { int8VariantFor } from '../services/pose/onnx/int8-calibration';
import { PROFILES } from './peers/profiles';
import { exitOnError } from '../services/core/exit-codes';

/**
 * npm run models: converts MoveNet to ONNX for the input size of every detection profile and
 * prints each file's sha256; `--pin` writes them into models/manifest.json (after a converter
 * change that alters its output, with CONVERTER_VERSION bumped). `--size WxH` adds a size.
 * Each size is also built as int8 (inference.precision: int8), pinned as `<size>-int8`.
 * Exit 1 when a pinned size converts to other bytes than its pin (without --pin).
 */
const { values: args } = parseArgs({
  options: {
    pin: { type: 'boolean', default: false },
    size: { type: 'string', multiple: true, default: [] },
  },
});

async function main(): Promise<number> {
  const file = path.join(repoRoot(), 'models', 'manifest.json');
  const manifest = readManifest(file);
  const entry = manifest['movenet-multipose']!;
  const files = readVerifiedModel(entry, modelDir(entry, ''));
  const sizes = new Set(args.size);
  for (const p of Object.values(PROFILES)) {
    const inf = parseConfig({
      inference: p,
      cameras: [{ id: 'x', source: { url: 'x' } }],
    }).inference;
    sizes.add(`${inf.inputWidth}x${inf.inputHeight}`);
  }
  const pins: Record<string, string> = { ...entry.onnx };
  let mismatches = 0;
  const int8 = int8VariantFor(entry);
  const builds = [...sizes].sort().flatMap((size) => [size, `${size}-int8`]);
  for (const size of builds) {
    const [w, h] = size.replace('-int8', '').split('x').map(Number) as [number, number];
    const t0 = Date.now();
    const build = size.endsWith('-int8') ? int8 : undefined;
    const bytes = await convertMoveNet(files.contents, entry.graph, w, h, build);
    const digest = createHash('sha256').update(bytes).digest('hex');
    const pinned = entry.onnx?.[size];
    const state = !pinned
      ? 'not pinned'
      : pinned === digest
        ? 'matches its pin'
        : 'DIFFERS from its pin';
    if (pinned && pinned !== digest) mismatches++;
    process.stdout.write(
      `${size}: ${digest} (${(bytes.length / 1e6).toFixed(1)} MB, ${Date.now() - t0} ms) ${state}\n`,
    );
    pins[size] = digest;
  }
  if (args.pin) {
    manifest['movenet-multipose'] = { ...entry, onnx: pins };
    writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
    process.stdout.write(`pinned ${Object.keys(pins).length} sizes in ${file}\n`);
    return 0;
  }
  return mismatches > 0 ? 1 : 0;
}

main().then((code) => process.exit(code), exitOnError);
