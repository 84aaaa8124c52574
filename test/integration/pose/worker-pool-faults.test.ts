import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkerInit } from '../../../services/pose/inference-worker';
import {
  WORKER_RETRY_LADDER_MS,
  WorkerPoolEstimator,
} from '../../../services/pose/worker-pool-estimator';
import type { PoolOptions } from '../../../services/pose/worker-pool-estimator';
import { Metrics } from '../../../services/metrics/metrics';
import { captureLogger } from '../../helpers/logger';
import { REPO, tempDir } from '../../helpers/media';
import { waitFor } from '../../helpers/wait';

const SCRIPT = path.join(REPO, 'test/fixtures/pose-workers/scripted-worker.js');
const image = { width: 8, height: 6, rgb: new Uint8Array(8 * 6 * 3) };

/** A pool of one real worker thread running the scripted stand-in, one plan entry per start. */
async function pool(plan: string[], options: PoolOptions = {}) {
  const dir = tempDir('vigil-pool-');
  writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(plan));
  const { log, lines } = captureLogger();
  const init = { cfg: {}, logLevel: 'warn', cacheDir: dir } as unknown as WorkerInit;
  const p = await WorkerPoolEstimator.start(init, 1, log, { script: SCRIPT, ...options });
  return { p, lines };
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'answered',
    (e: { code?: string }) => e.code ?? 'uncoded',
  );

/** What a Prometheus scrape says of the pool. */
async function scrape(p: WorkerPoolEstimator): Promise<string> {
  const m = new Metrics({
    cameras: () => [],
    alertsByRule: () => new Map(),
    outboxDepth: () => 0,
    outboxDropped: () => 0,
    feedback: () => [],
    inferencePool: () => p.status(),
  });
  return m.registry.metrics();
}

test('the retry ladder is 1 s, 5 s, 10 s, then every 60 s', () => {
  expect(WORKER_RETRY_LADDER_MS).toEqual([1000, 5000, 10_000, 60_000]);
});

test('a stuck worker: its job times out with a coded error, the worker is replaced, the next job is answered', async () => {
  const { p, lines } = await pool(['hang-after:1', 'ok'], { timeoutMs: 1000 });
  try {
    expect(await codeOf(p.estimate(image))).toBe('answered');
    expect(await codeOf(p.estimate(image))).toBe('VIGIL_ERR_INFERENCE_TIMEOUT');
    expect(p.status()).toMatchObject({ state: 'down', workers: 0, replacing: 1, timeouts: 1 });
    // While none runs, a frame fails at once instead of waiting for ever.
    expect(await codeOf(p.estimate(image))).toBe('VIGIL_ERR_POSE_WORKER_DOWN');
    expect(await scrape(p)).toMatch(/vigil_inference_workers\{state="replacing"\} 1/);
    await waitFor('the replacement', () => p.status().state === 'ok', 30_000);
    expect(await codeOf(p.estimate(image))).toBe('answered');
    const lost = lines().filter((l) => l.msg === 'inference worker lost; starting another');
    expect(lost).toEqual([
      expect.objectContaining({ code: 'VIGIL_ERR_INFERENCE_TIMEOUT', retryMs: 1000 }),
    ]);
    const metrics = await scrape(p);
    expect(metrics).toMatch(/vigil_inference_worker_failures_total\{kind="timeout"\} 1/);
    expect(metrics).toMatch(/vigil_inference_workers\{state="running"\} 1/);
  } finally {
    await p.dispose();
  }
}, 60_000);

test('a dead worker whose replacements fail to start: retried further apart until one starts', async () => {
  const ladder = [200, 400, 800];
  const { p, lines } = await pool(['die-after:0', 'fatal', 'fatal', 'ok'], {
    retryLadderMs: ladder,
  });
  try {
    expect(await codeOf(p.estimate(image))).toBe('VIGIL_ERR_POSE_WORKER_DOWN');
    await waitFor('a running worker again', () => p.status().workers === 1, 30_000);
    expect(p.status()).toMatchObject({ state: 'ok', deaths: 1, respawnFailures: 2, replacing: 0 });
    expect(await codeOf(p.estimate(image))).toBe('answered');
    const waits = lines()
      .filter((l) => l.msg === 'inference worker lost; starting another')
      .map((l) => l.retryMs);
    expect(waits).toEqual(ladder); // the exit, then two starts that failed
    expect(await scrape(p)).toMatch(/vigil_inference_worker_failures_total\{kind="start"\} 2/);
  } finally {
    await p.dispose();
  }
}, 60_000);
