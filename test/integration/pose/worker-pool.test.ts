import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { parseConfig } from '../../../services/config/load';
import { WORKER_NICE } from '../../../services/pose/thread-priority';
import { loadPoseEstimator, modelCacheDir } from '../../../services/pose/load-estimator';
import { startEstimator } from '../../../services/pose/start-estimator';
import { captureLogger } from '../../helpers/logger';
import { vtestFrame } from '../../helpers/media';

/** Nice value of each thread of this process, the main thread first (Linux /proc). */
function threadNices(): number[] {
  const tids = readdirSync('/proc/self/task')
    .map(Number)
    .sort((a, b) => a - b);
  // Field 19 of stat, counted after the command name in parentheses.
  return tids.map((t) => {
    const stat = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

/** The worker pool (built worker script, real model) against the same model on this thread. */
test('the pool finds exactly what the in-process model finds, runs tiles on every worker, and grows', async () => {
  const inference = parseConfig({ cameras: [{ id: 'c', source: { url: 'x' } }] }).inference;
  const { log } = captureLogger('warn');
  const frame = { width: 768, height: 576, rgb: vtestFrame(200) };
  const local = await loadPoseEstimator(inference, log);
  const expected = await local.estimator.estimate(frame);
  await local.estimator.dispose();

  // One camera with 2x2 tiles can keep 4 workers busy; auto caps that at the cores.
  const started = await startEstimator(
    { ...inference, workers: 1 },
    'warn',
    log,
    1,
    modelCacheDir('data/vigil'),
  );
  const pool = started.pool!;
  try {
    // The workers chose what this thread chose (on a GPU box, a GPU backend).
    expect(started.backend.name).toBe(local.backend.name);
    expect(started.backend.skipped.map((b) => b.name)).toEqual(
      local.backend.skipped.map((b) => b.name),
    );
    const got = await started.estimator.estimate(frame);
    expect(got.length).toBeGreaterThan(3);
    expect(got.map((d) => d.box)).toEqual(expected.map((d) => d.box));
    expect(got.map((d) => d.keypoints)).toEqual(expected.map((d) => d.keypoints));
    // The model threads run at a lower priority than this (main) thread: the API goes first.
    if (process.platform === 'linux') {
      const nice = threadNices();
      // The worker's thread, and any thread it starts (ONNX Runtime's, a model conversion's),
      // which inherit its nice value; never the main thread.
      expect(nice.filter((n) => n === WORKER_NICE).length).toBeGreaterThanOrEqual(1);
      expect(nice[0]).toBe(os.getPriority());
    }
    // Four tiles on one worker: three of them waited.
    expect(pool.queued).toBeGreaterThanOrEqual(3);
    await pool.grow(2);
    expect(pool.size).toBe(2);
    // Two frames at once on two workers; the shared buffers are per worker, so results do not mix.
    const [a, b] = await Promise.all([
      started.estimator.estimate(frame),
      started.estimator.estimate({ width: 768, height: 576, rgb: vtestFrame(400) }),
    ]);
    expect(a.map((d) => d.box)).toEqual(expected.map((d) => d.box));
    expect(b.map((d) => d.box)).not.toEqual(expected.map((d) => d.box));
    // A corrupt frame is refused before it reaches a worker.
    await expect(
      started.estimator.estimate({ width: 768, height: 576, rgb: new Uint8Array(10) }),
    ).rejects.toMatchObject({ code: 'VIGIL_ERR_FRAME_CORRUPT' });
  } finally {
    await started.estimator.dispose();
  }
}, 120_000);
