import { Worker } from 'node:worker_threads';
import { Backoff } from '../core/backoff';
import { VigilError, errorMessage } from '../core/errors';
import type { ErrorCode } from '../core/errors';
import type { Logger } from '../core/logger';
import { builtScript } from '../core/built-script';
import type { InferencePoolStatus } from '../core/camera-status';
import type { Detection } from '../core/types';
import type { FromWorker, ToWorker, WorkerInit } from './inference-worker';
import { assertRgbImage } from './pose-estimator';
import { copyRegion, insideImage } from './regions';
import type { EstimateOptions, PoseEstimator, Region, RgbImage } from './pose-estimator';
import type { BackendChoice } from './engines/pose-engine';
import { isSharedDevice } from './engines/pose-engine';

interface Job {
  image: RgbImage;
  focus?: readonly Region[];
  /** The part of `image` the model sees (a tile); undefined: all of it. */
  region?: Region;
  /** Lower goes first (EstimateOptions.priority), then arrival order (`seq`). */
  priority: number;
  seq: number;
  /** performance.now() when it had to wait for a worker. */
  queuedAt?: number;
  resolve: (d: Detection[]) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  buffer: SharedArrayBuffer | undefined;
  job: Job | undefined;
  jobId: number;
  /** Fires when the job in flight has taken longer than the timeout: the worker is stuck. */
  timer: NodeJS.Timeout | undefined;
  /** False once the slot left the pool (died, stuck, closing): its late messages are ignored. */
  live: boolean;
}

/** A stuck or dead worker is started again after 1 s, then 5 s, 10 s, and every 60 s. */
export const WORKER_RETRY_LADDER_MS = [1000, 5000, 10_000, 60_000] as const;
/** A model run taking this long is a stuck worker (a busy box runs a frame in under 2 s). */
export const INFERENCE_TIMEOUT_MS = 15_000;

export interface PoolOptions {
  /** The worker's script (tests inject one); default: the built pose/inference-worker.js. */
  script?: string;
  timeoutMs?: number;
  retryLadderMs?: readonly number[];
}

/**
 * Pose inference on worker threads: one single-threaded model instance per worker (ONNX Runtime
 * with one intra-op thread, or tfjs-wasm), so a box uses all its cores, the event loop never
 * blocked by the model. A free worker takes at once the waiting job of lowest priority (the
 * camera whose last model run is oldest: the one furthest behind), then the oldest job; a frame's
 * tiles are separate jobs, so they spread over the workers. A tile is copied straight from the
 * frame into the worker's shared buffer (no crop in between). Each camera has at most one frame
 * in flight (its pipeline awaits it), so the queue is bounded by cameras x tiles; newer frames wait
 * in the camera's frame slot, which drops its oldest when full (counted as drops). A job that takes
 * longer than the timeout fails (VIGIL_ERR_INFERENCE_TIMEOUT) and its stuck worker is terminated; a
 * worker that dies fails its one job. Either is replaced on the backoff ladder, retried until a
 * replacement starts; while no worker runs, a job fails at once (VIGIL_ERR_POSE_WORKER_DOWN)
 * instead of waiting for ever.
 */
export class WorkerPoolEstimator implements PoseEstimator {
  backend = 'unknown';
  readonly cutsRegions = true;
  choice: BackendChoice = { name: 'cpu', skipped: [] };
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private nextSeq = 0;
  private closing = false;
  private starting = 0;
  /** Workers wanted: the started size, grown with the cameras. */
  private wanted = 0;
  private replacing = 0;
  private readonly retry: Backoff;
  private retryTimers = new Set<NodeJS.Timeout>();
  private readonly script: string;
  private readonly timeoutMs: number;
  private readonly counts = { timeouts: 0, deaths: 0, respawnFailures: 0 };
  private busyMs = 0;
  private lastError: InferencePoolStatus['lastError'] = null;
  /** Jobs that waited for a free worker, and how long in total (ms). */
  queued = 0;
  queueWaitMs = 0;

  private constructor(
    private readonly init: WorkerInit,
    private readonly log: Logger,
    options: PoolOptions,
  ) {
    this.script = options.script ?? builtScript('pose/inference-worker.js');
    this.timeoutMs = options.timeoutMs ?? INFERENCE_TIMEOUT_MS;
    this.retry = new Backoff(options.retryLadderMs ?? WORKER_RETRY_LADDER_MS, () => 0.5);
  }

  /**
   * Starts `size` workers (onnx, wasm and cpu backends: one single-threaded model each). A
   * backend with its own thread pool or a GPU (tfjs-node, tfjs-node-gpu, onnx-cuda,
   * onnx-tensorrt) gets one worker: it uses the whole device. The first worker converts the model
   * to ONNX where needed; the others then read it from the cache.
   */
  static async start(init: WorkerInit, size: number, log: Logger, options: PoolOptions = {}) {
    const pool = new WorkerPoolEstimator(init, log, options);
    await pool.spawn();
    const native = isSharedDevice(pool.backend);
    const more = native ? 0 : Math.max(0, size - 1);
    await Promise.all(Array.from({ length: more }, () => pool.spawn()));
    pool.wanted = pool.slots.length;
    log.info(
      { workers: pool.slots.length, backend: pool.backend, requested: size },
      'inference worker pool ready',
    );
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  /** What the pool is doing, for the camera status, /readyz and /metrics. */
  status(): InferencePoolStatus {
    const workers = this.slots.length;
    return {
      state: workers === 0 ? 'down' : workers < this.wanted ? 'degraded' : 'ok',
      workers,
      wanted: this.wanted,
      replacing: this.replacing,
      ...this.counts,
      busyMs: Math.round(this.busyMs),
      waiting: this.queue.length,
      lastError: this.lastError,
    };
  }

  /** Adds workers up to `size` (more cameras were added); a native backend keeps its one. */
  async grow(size: number): Promise<void> {
    if (this.closing || isSharedDevice(this.backend)) return;
    const more = size - this.slots.length - this.starting - this.replacing;
    if (more <= 0) return;
    this.starting += more;
    this.wanted = Math.max(this.wanted, size);
    try {
      await Promise.all(Array.from({ length: more }, () => this.spawn()));
      this.log.info({ workers: this.slots.length }, 'inference worker pool grown');
    } finally {
      this.starting -= more;
    }
  }

  saturated(): boolean {
    return this.queue.length > 0 || this.slots.every((s) => s.job !== undefined);
  }

  estimate(
    image: RgbImage,
    focus?: readonly Region[],
    options: EstimateOptions = {},
  ): Promise<Detection[]> {
    assertRgbImage(image);
    if (focus && focus.length === 0) return Promise.resolve([]);
    const region = options.region;
    if (region && !insideImage(region, image))
      return Promise.reject(
        new VigilError('VIGIL_ERR_FRAME_CORRUPT', 'region outside the image: not a tile of it'),
      );
    if (this.closing)
      return Promise.reject(new VigilError('VIGIL_ERR_INFERENCE_FAILED', 'inference pool closed'));
    if (this.slots.length === 0) return Promise.reject(this.downError());
    return new Promise((resolve, reject) => {
      const priority = options.priority ?? 0;
      const job: Job = { image, focus, region, priority, seq: this.nextSeq++, resolve, reject };
      const free = this.slots.find((s) => !s.job);
      if (free) this.run(free, job);
      else {
        job.queuedAt = performance.now();
        this.queue.push(job);
      }
    });
  }

  async dispose(): Promise<void> {
    this.closing = true;
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
    for (const j of this.queue.splice(0))
      j.reject(new VigilError('VIGIL_ERR_INFERENCE_FAILED', 'inference pool closed'));
    for (const s of this.slots) clearTimeout(s.timer);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Promise<Slot> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(this.script, { workerData: this.init });
      const slot: Slot = {
        worker,
        buffer: undefined,
        job: undefined,
        jobId: 0,
        timer: undefined,
        live: false,
      };
      let ready = false;
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          ready = true;
          this.backend = m.choice.name;
          this.choice = m.choice;
          slot.live = true;
          this.slots.push(slot);
          this.pump();
          resolve(slot);
        } else if (m.type === 'fatal') {
          reject(new VigilError(m.code as ErrorCode, m.message));
          void worker.terminate();
        } else this.finish(slot, m);
      });
      worker.on('error', (err) => {
        this.log.error({ err: err.message }, 'inference worker crashed');
        if (!ready) reject(err);
      });
      worker.on('exit', (code) => {
        if (!ready) reject(new Error(`inference worker exited (${code}) before it was ready`));
        else if (slot.live && !this.closing)
          this.lose(slot, 'VIGIL_ERR_POSE_WORKER_DOWN', `inference worker exited (${code})`);
      });
    });
  }

  /** Takes a dead or stuck worker out of the pool, fails its job and starts its replacement. */
  private lose(slot: Slot, code: ErrorCode, message: string): void {
    slot.live = false;
    clearTimeout(slot.timer);
    this.slots.splice(this.slots.indexOf(slot), 1);
    if (code === 'VIGIL_ERR_INFERENCE_TIMEOUT') this.counts.timeouts++;
    else this.counts.deaths++;
    this.lastError = { code, message, at: new Date().toISOString() };
    const job = slot.job;
    slot.job = undefined;
    job?.reject(new VigilError(code, message));
    if (this.slots.length === 0) for (const j of this.queue.splice(0)) j.reject(this.downError());
    this.replace();
  }

  /** One replacement, after the ladder's next wait; a failed start tries again, further apart. */
  private replace(): void {
    this.replacing++;
    const delayMs = this.retry.next();
    this.log.warn(
      { code: this.lastError?.code, err: this.lastError?.message, retryMs: delayMs },
      'inference worker lost; starting another',
    );
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      if (this.closing) return;
      this.spawn().then(
        () => {
          this.replacing--;
          this.log.info({ workers: this.slots.length }, 'inference worker replaced');
        },
        (err: unknown) => {
          this.replacing--;
          this.counts.respawnFailures++;
          const message = `inference worker could not be started: ${errorMessage(err)}`;
          this.lastError = {
            code: 'VIGIL_ERR_POSE_WORKER_DOWN',
            message,
            at: new Date().toISOString(),
          };
          if (!this.closing) this.replace();
        },
      );
    }, delayMs);
    this.retryTimers.add(timer);
  }

  private downError(): VigilError {
    return new VigilError(
      'VIGIL_ERR_POSE_WORKER_DOWN',
      `no inference worker is running (${this.replacing} being started)`,
    );
  }

  private run(slot: Slot, job: Job): void {
    const { width, height } = job.region
      ? { width: job.region.w, height: job.region.h }
      : job.image;
    const bytes = width * height * 3;
    const msg: ToWorker = {
      id: ++this.nextId,
      width,
      height,
      focus: job.focus ? [...job.focus] : undefined,
    };
    if (!slot.buffer || slot.buffer.byteLength < bytes) {
      slot.buffer = new SharedArrayBuffer(bytes);
      msg.buffer = slot.buffer;
    }
    copyRegion(job.image, job.region, new Uint8Array(slot.buffer, 0, bytes));
    slot.job = job;
    slot.jobId = msg.id;
    slot.timer = setTimeout(() => this.stuck(slot, msg.id), this.timeoutMs);
    slot.worker.postMessage(msg);
  }

  private stuck(slot: Slot, jobId: number): void {
    if (!slot.live || slot.jobId !== jobId || !slot.job) return;
    this.lose(
      slot,
      'VIGIL_ERR_INFERENCE_TIMEOUT',
      `inference took over ${this.timeoutMs} ms; worker replaced`,
    );
    void slot.worker.terminate();
  }

  private finish(slot: Slot, m: Extract<FromWorker, { id: number }>): void {
    const job = slot.job;
    if (!slot.live || !job || m.id !== slot.jobId) return;
    clearTimeout(slot.timer);
    slot.job = undefined;
    if (m.type === 'result') {
      this.busyMs += m.ms;
      job.resolve(m.detections as Detection[]);
      if (this.replacing === 0) this.retry.reset(); // a healthy pool: the next loss waits 1 s
    } else job.reject(new VigilError(m.code as ErrorCode, m.message));
    this.pump();
  }

  /** The job a free worker takes: lowest priority, then first come. */
  private next(): Job | undefined {
    let best = -1;
    this.queue.forEach((j, i) => {
      const b = this.queue[best];
      if (!b || j.priority < b.priority || (j.priority === b.priority && j.seq < b.seq)) best = i;
    });
    return best < 0 ? undefined : this.queue.splice(best, 1)[0];
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.job) continue;
      const job = this.next();
      if (!job) return;
      this.queued++;
      this.queueWaitMs += performance.now() - (job.queuedAt ?? performance.now());
      this.run(slot, job);
    }
  }
}
