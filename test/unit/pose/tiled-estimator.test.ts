import { mergeDetections } from '../../../services/pose/merge-detections';
import { TiledPoseEstimator, tileRegions } from '../../../services/pose/tiled-estimator';
import { cropRgb } from '../../../services/pose/regions';
import type { PoseEstimator, RgbImage } from '../../../services/pose/pose-estimator';
import type { Detection } from '../../../services/core/types';

const det = (x: number, y: number, w: number, h: number, score: number): Detection => ({
  box: { x, y, w, h },
  score,
  keypoints: [{ x: x + 1, y: y + 1, score: 1 }],
});

describe('tiling', () => {
  test('2x2 tiles with 20% overlap cover the frame edge to edge', () => {
    const r = tileRegions(768, 576, { cols: 2, rows: 2, overlap: 0.2 });
    expect(r).toEqual([
      { x: 0, y: 0, w: 461, h: 346 },
      { x: 307, y: 0, w: 461, h: 346 },
      { x: 0, y: 230, w: 461, h: 346 },
      { x: 307, y: 230, w: 461, h: 346 },
    ]);
  });

  test('one tile is the whole frame', () => {
    expect(tileRegions(640, 480, { cols: 1, rows: 1, overlap: 0.5 })).toEqual([
      { x: 0, y: 0, w: 640, h: 480 },
    ]);
  });

  test('cropRgb copies exactly the region', () => {
    const img: RgbImage = {
      width: 4,
      height: 3,
      rgb: Uint8Array.from({ length: 36 }, (_, i) => i),
    };
    const c = cropRgb(img, { x: 1, y: 1, w: 2, h: 2 });
    expect([...c.rgb]).toEqual([15, 16, 17, 18, 19, 20, 27, 28, 29, 30, 31, 32]);
  });

  test('merge keeps the best box of a person and drops overlaps and cut-off parts', () => {
    const merged = mergeDetections([
      det(0, 0, 30, 80, 0.3),
      det(2, 1, 30, 80, 0.5),
      det(5, 40, 20, 35, 0.6),
      det(200, 0, 30, 80, 0.2),
    ]);
    expect(merged.map((d) => d.score)).toEqual([0.6, 0.2]);
    const merged2 = mergeDetections([det(0, 0, 30, 80, 0.5), det(5, 40, 20, 35, 0.3)]);
    expect(merged2.map((d) => d.score)).toEqual([0.5]);
  });

  test('detections from each tile come back in frame coordinates, keypoints included', async () => {
    const seen: { w: number; h: number }[] = [];
    const base: PoseEstimator = {
      backend: 'fake',
      estimate: async (img) => {
        seen.push({ w: img.width, h: img.height });
        return [det(10, 10, 20, 50, 0.5)];
      },
      dispose: async () => undefined,
    };
    const est = new TiledPoseEstimator(base, 'tiles', { cols: 2, rows: 1, overlap: 0 });
    const out = await est.estimate({ width: 100, height: 60, rgb: new Uint8Array(100 * 60 * 3) });
    expect(seen).toEqual([
      { w: 50, h: 60 },
      { w: 50, h: 60 },
    ]);
    expect(out.map((d) => [d.box.x, d.keypoints[0]!.x]).sort()).toEqual([
      [10, 11],
      [60, 61],
    ]);
  });
});

describe('focus (motion gating of tiles)', () => {
  const calls: number[] = [];
  const base: PoseEstimator = {
    backend: 'fake',
    estimate: async (img) => {
      calls.push(img.width);
      return [];
    },
    dispose: async () => undefined,
  };
  const img: RgbImage = { width: 768, height: 576, rgb: new Uint8Array(768 * 576 * 3) };
  const tiled = new TiledPoseEstimator(base, 'tiles', { cols: 2, rows: 2, overlap: 0.2 });
  beforeEach(() => calls.splice(0));

  test('no focus: every tile; focus in one corner: only the tile(s) touching it', async () => {
    await tiled.estimate(img);
    expect(calls).toHaveLength(4);
    calls.splice(0);
    await tiled.estimate(img, [{ x: 10, y: 10, w: 40, h: 40 }]);
    expect(calls).toHaveLength(1);
    calls.splice(0);
    // The centre touches all four overlapping tiles.
    await tiled.estimate(img, [{ x: 370, y: 270, w: 20, h: 20 }]);
    expect(calls).toHaveLength(4);
  });

  test('an empty focus runs nothing, for tiles and whole frame alike', async () => {
    expect(await tiled.estimate(img, [])).toEqual([]);
    const full = new TiledPoseEstimator(base, 'full', { cols: 2, rows: 2, overlap: 0.2 });
    expect(await full.estimate(img, [])).toEqual([]);
    expect(calls).toHaveLength(0);
    await full.estimate(img, [{ x: 0, y: 0, w: 5, h: 5 }]);
    expect(calls).toEqual([768]);
  });
});

test('parallel: all tiles of a frame are handed over at once (a worker pool runs them together)', async () => {
  let inFlight = 0;
  let most = 0;
  const slowBase: PoseEstimator = {
    backend: 'fake',
    estimate: async (img) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return [det(10, 10, 20, 40, 0.9 + img.width / 1e6)];
    },
    dispose: async () => undefined,
  };
  const img: RgbImage = { width: 768, height: 576, rgb: new Uint8Array(768 * 576 * 3) };
  const tiles = { cols: 2, rows: 2, overlap: 0.2 };
  const par = await new TiledPoseEstimator(slowBase, 'tiles', tiles, true).estimate(img);
  expect(most).toBe(4);
  most = 0;
  const seq = await new TiledPoseEstimator(slowBase, 'tiles', tiles).estimate(img);
  expect(most).toBe(1);
  expect(par).toEqual(seq);
});
