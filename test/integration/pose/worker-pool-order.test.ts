import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkerInit } from '../../../services/pose/inference-worker';
import { WorkerPoolEstimator } from '../../../services/pose/worker-pool-estimator';
import { TiledPoseEstimator } from '../../../services/pose/tiled-estimator';
import type { RgbImage } from '../../../services/pose/pose-estimator';
import { captureLogger } from '../../helpers/logger';
import { REPO, tempDir } from '../../helpers/media';

const SCRIPT = path.join(REPO, 'test/fixtures/pose-workers/scripted-worker.js');

/** A pool of `size` real worker threads running the scripted stand-in, each job taking `ms`. */
async function slowPool(size: number, ms: number) {
  const dir = tempDir('vigil-order-');
  writeFileSync(path.join(dir, 'plan.json'), JSON.stringify([`slow:${ms}`]));
  const { log } = captureLogger();
  const init = { cfg: {}, logLevel: 'warn', cacheDir: dir } as unknown as WorkerInit;
  return WorkerPoolEstimator.start(init, size, log, { script: SCRIPT });
}

/** A 4x2 image whose pixel (x, y) is [x, y, 7]. */
function gradient(): RgbImage {
  const rgb = new Uint8Array(4 * 2 * 3);
  for (let y = 0; y < 2; y++) for (let x = 0; x < 4; x++) rgb.set([x, y, 7], (y * 4 + x) * 3);
  return { width: 4, height: 2, rgb };
}

test('a free worker takes the waiting job of the camera furthest behind (lowest priority), then the oldest', async () => {
  const pool = await slowPool(1, 40);
  try {
    const done: string[] = [];
    const job = (name: string, priority: number) =>
      pool.estimate(gradient(), undefined, { priority }).then(() => done.push(name));
    // The worker is busy with `first`; the rest wait and leave in priority order, ties by arrival.
    await Promise.all([
      job('first', 50),
      job('late-camera', 30),
      job('furthest-behind', 10),
      job('tie-a', 20),
      job('tie-b', 20),
    ]);
    expect(done).toEqual(['first', 'furthest-behind', 'tie-a', 'tie-b', 'late-camera']);
    expect(pool.status().busyMs).toBeGreaterThanOrEqual(5 * 40);
  } finally {
    await pool.dispose();
  }
});

test('a tile is copied straight from the frame: the worker sees the region, not the whole image', async () => {
  const pool = await slowPool(1, 1);
  try {
    const [d] = await pool.estimate(gradient(), undefined, { region: { x: 2, y: 1, w: 2, h: 1 } });
    expect((d as unknown as { pixel: number[] }).pixel).toEqual([2, 1, 7]);
    // Coordinates are pixels of the region (the stand-in puts the box at its centre).
    expect(d!.box).toEqual({ x: 0.5, y: 0.25, w: 1, h: 0.5 });
    const bad = pool.estimate(gradient(), undefined, { region: { x: 3, y: 0, w: 2, h: 1 } });
    await expect(bad).rejects.toMatchObject({ code: 'VIGIL_ERR_FRAME_CORRUPT' });
  } finally {
    await pool.dispose();
  }
});

test("a frame's tiles spread over the workers and come back shifted to frame pixels", async () => {
  const pool = await slowPool(2, 100);
  const tiled = new TiledPoseEstimator(pool, 'tiles', { cols: 2, rows: 1, overlap: 0 }, true);
  try {
    const running = tiled.estimate(gradient());
    // Both tiles went to a worker at once: none waits, both workers are busy.
    expect(pool.status().waiting).toBe(0);
    expect(pool.saturated()).toBe(true);
    const found = await running;
    const pixels = found.map((d) => (d as unknown as { pixel: number[] }).pixel);
    expect(pixels).toEqual(
      expect.arrayContaining([
        [0, 0, 7],
        [2, 0, 7],
      ]),
    );
  } finally {
    await tiled.dispose();
  }
});
