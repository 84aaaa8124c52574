import { readFileSync, writeFileSync } from 'node:fs';
import { parseConfig } from '../../../services/config/load';
import { loadEngine } from '../../../services/pose/engines/select-engine';
import type { LoadedEngine } from '../../../services/pose/engines/select-engine';
import { modelDir, readManifest, readVerifiedModel } from '../../../services/pose/model-files';
import { MoveNetEstimator } from '../../../services/pose/movenet';
import { letterboxInput } from '../../../services/pose/movenet-input';
import { onnxModelFor } from '../../../services/pose/onnx/onnx-model-cache';
import { TiledPoseEstimator } from '../../../services/pose/tiled-estimator';
import { captureLogger } from '../../helpers/logger';
import { tempDir, vtestFrame } from '../../helpers/media';

const inference = parseConfig({ cameras: [{ id: 'c', source: { url: 'rtsp://h/s' } }] }).inference;
const entry = readManifest()['movenet-multipose']!;
const files = readVerifiedModel(entry, modelDir(entry, ''));
const { log } = captureLogger('warn');
const FRAMES = [0, 150, 300, 450, 600, 750].map((i) => ({
  width: 768,
  height: 576,
  rgb: vtestFrame(i),
}));

describe('MoveNet converted to ONNX by Vigil', () => {
  test('the conversion is the pinned one; the cache serves it after, and a tampered cache is converted again', async () => {
    const cacheDir = tempDir('vigil-onnx-');
    const first = await onnxModelFor(entry, files, 320, 256, cacheDir, log);
    expect(first).toMatchObject({ converted: true, pinned: true, sha256: entry.onnx!['320x256'] });
    const again = await onnxModelFor(entry, files, 320, 256, cacheDir, log);
    expect(again).toMatchObject({ converted: false, sha256: first.sha256 });
    const bytes = readFileSync(first.file);
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
    writeFileSync(first.file, bytes);
    const repaired = await onnxModelFor(entry, files, 320, 256, cacheDir, log);
    expect(repaired).toMatchObject({ converted: true, sha256: first.sha256 });
  }, 120_000);

  test('a conversion that does not match its pin is refused with VIGIL_ERR_MODEL_CHECKSUM', async () => {
    const wrong = { ...entry, onnx: { '320x256': '0'.repeat(64) } };
    await expect(
      onnxModelFor(wrong, files, 320, 256, tempDir('vigil-onnx-'), log),
    ).rejects.toMatchObject({
      code: 'VIGIL_ERR_MODEL_CHECKSUM',
      message: expect.stringContaining('320x256'),
    });
  }, 120_000);

  test('a size the manifest does not pin is converted, cached with its own checksum, and runs', async () => {
    const cacheDir = tempDir('vigil-onnx-');
    const cfg = {
      ...inference,
      backend: 'onnx' as const,
      precision: 'fp32' as const,
      inputWidth: 192,
      inputHeight: 160,
    };
    const loaded = await loadEngine(cfg, { entry, files, cacheDir }, log);
    try {
      expect(loaded.onnx).toMatchObject({ pinned: false, converted: true });
      const out = await loaded.engine.run(letterboxInput(FRAMES[0]!, 192, 160).input);
      expect(out).toHaveLength(6 * 56);
      const cached = await onnxModelFor(entry, files, 192, 160, cacheDir, log);
      expect(cached).toMatchObject({ converted: false, sha256: loaded.onnx!.sha256 });
    } finally {
      await loaded.engine.dispose();
    }
  }, 120_000);

  describe('parity with tfjs on real vtest.avi frames', () => {
    let onnx: LoadedEngine;
    let wasm: LoadedEngine;
    beforeAll(async () => {
      const src = { entry, files, cacheDir: tempDir('vigil-onnx-') };
      onnx = await loadEngine({ ...inference, backend: 'onnx', precision: 'fp32' }, src, log);
      wasm = await loadEngine({ ...inference, backend: 'wasm' }, src, log);
    }, 120_000);
    afterAll(async () => {
      await onnx?.engine.dispose();
      await wasm?.engine.dispose();
    });

    test('raw outputs agree to 1e-4 on every frame', async () => {
      let worst = 0;
      for (const frame of FRAMES) {
        const { input } = letterboxInput(frame, 320, 256);
        const [a, b] = [await onnx.engine.run(input), await wasm.engine.run(input)];
        expect(a).toHaveLength(b.length);
        for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
      }
      expect(worst).toBeLessThan(1e-4);
    }, 60_000);

    test('the decoded people of the accurate profile (2x2 tiles) are the same people', async () => {
      const tiled = (l: LoadedEngine) =>
        new TiledPoseEstimator(new MoveNetEstimator(l.engine, inference), 'tiles', inference.tiles);
      const [a, b] = [tiled(onnx), tiled(wasm)];
      let people = 0;
      for (const frame of FRAMES) {
        const [pa, pb] = [await a.estimate(frame), await b.estimate(frame)];
        expect(pa.length).toBe(pb.length);
        people += pa.length;
        pa.forEach((p, i) => {
          const q = pb[i]!;
          expect(Math.abs(p.score - q.score)).toBeLessThan(1e-4);
          for (const k of ['x', 'y', 'w', 'h'] as const)
            expect(Math.abs(p.box[k] - q.box[k])).toBeLessThan(0.05);
          p.keypoints.forEach((kp, j) => {
            expect(Math.abs(kp.x - q.keypoints[j]!.x)).toBeLessThan(0.05);
            expect(Math.abs(kp.y - q.keypoints[j]!.y)).toBeLessThan(0.05);
          });
        });
      }
      expect(people).toBeGreaterThan(FRAMES.length * 3);
    }, 60_000);
  });
});
