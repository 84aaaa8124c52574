import { parseConfig } from '../../../services/config/load';
import type { Detection } from '../../../services/core/types';
import { loadEngine } from '../../../services/pose/engines/select-engine';
import type { LoadedEngine } from '../../../services/pose/engines/select-engine';
import { modelDir, readManifest, readVerifiedModel } from '../../../services/pose/model-files';
import { MoveNetEstimator } from '../../../services/pose/movenet';
import { decodeModelSummary } from '../../../services/pose/onnx/onnx-proto';
import { TiledPoseEstimator } from '../../../services/pose/tiled-estimator';
import { readFileSync } from 'node:fs';
import { captureLogger } from '../../helpers/logger';
import { tempDir, vtestFrame } from '../../helpers/media';

const inference = parseConfig({ cameras: [{ id: 'c', source: { url: 'rtsp://h/s' } }] }).inference;
const entry = readManifest()['movenet-multipose']!;
const files = readVerifiedModel(entry, modelDir(entry, ''));
const { log } = captureLogger('warn');
const FRAMES = [0, 100, 200, 300, 399].map((i) => ({
  width: 768,
  height: 576,
  rgb: vtestFrame(i),
}));

function iou(a: Detection['box'], b: Detection['box']): number {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  return (ix * iy) / (a.w * a.h + b.w * b.h - ix * iy);
}

describe('MoveNet with an int8 backbone (inference.precision: int8)', () => {
  const cacheDir = tempDir('vigil-int8-');
  let fp32: LoadedEngine;
  let int8: LoadedEngine;
  beforeAll(async () => {
    const src = { entry, files, cacheDir };
    fp32 = await loadEngine({ ...inference, backend: 'onnx', precision: 'fp32' }, src, log);
    int8 = await loadEngine({ ...inference, backend: 'onnx', precision: 'int8' }, src, log);
  }, 180_000);
  afterAll(async () => {
    await fp32?.engine.dispose();
    await int8?.engine.dispose();
  });

  test('is built in QDQ form, matches its pin, is cached beside the fp32 model under its own key', async () => {
    const pin = entry.onnx!['320x256-int8'];
    expect(int8.onnx).toMatchObject({ converted: true, pinned: true, sha256: pin });
    expect(int8.onnx!.file).toMatch(/-320x256-int8-[0-9a-f]{12}\.onnx$/);
    expect(int8.onnx!.sha256).not.toBe(fp32.onnx!.sha256);
    const ops = decodeModelSummary(readFileSync(int8.onnx!.file)).ops;
    expect(ops.filter((o) => o === 'QuantizeLinear').length).toBeGreaterThan(40);
    const again = await loadEngine(
      { ...inference, backend: 'onnx', precision: 'int8' },
      { entry, files, cacheDir },
      log,
    );
    expect(again.onnx).toMatchObject({ converted: false, sha256: int8.onnx!.sha256 });
    await again.engine.dispose();
  }, 120_000);

  test('finds the people fp32 finds on vtest.avi frames, boxes and keypoints close', async () => {
    const tiled = (l: LoadedEngine) =>
      new TiledPoseEstimator(new MoveNetEstimator(l.engine, inference), 'tiles', inference.tiles);
    const [a, b] = [tiled(fp32), tiled(int8)];
    let people = 0;
    let unmatched = 0;
    const kptPx: number[] = [];
    for (const frame of FRAMES) {
      const [pa, pb] = [await a.estimate(frame), await b.estimate(frame)];
      people += pa.length;
      for (const p of pa) {
        const q = pb.find((d) => iou(d.box, p.box) >= 0.7);
        if (!q) {
          unmatched++;
          continue;
        }
        expect(Math.abs(p.score - q.score)).toBeLessThan(0.1);
        p.keypoints.forEach((k, j) => {
          if (k.score >= 0.3)
            kptPx.push(Math.hypot(k.x - q.keypoints[j]!.x, k.y - q.keypoints[j]!.y));
        });
      }
    }
    expect(people).toBeGreaterThan(FRAMES.length * 3);
    expect(unmatched).toBeLessThanOrEqual(Math.ceil(people * 0.05));
    kptPx.sort((x, y) => x - y);
    expect(kptPx[Math.floor(kptPx.length / 2)]).toBeLessThan(2);
  }, 60_000);

  test('without the committed calibration, int8 is refused with VIGIL_ERR_MODEL_CONVERT', async () => {
    const src = { entry, files, cacheDir: tempDir('vigil-int8-'), modelsDir: tempDir('vigil-') };
    await expect(
      loadEngine({ ...inference, backend: 'onnx', precision: 'int8' }, src, log),
    ).rejects.toMatchObject({
      code: 'VIGIL_ERR_MODEL_CONVERT',
      message: expect.stringContaining('movenet-int8-ranges.json'),
    });
  });
});
