import { Worker } from 'node:worker_threads';
import { VigilError } from '../core/errors';
import type { ErrorCode } from '../core/errors';
import type { Logger } from '../core/logger';
import { builtScript } from '../core/built-script';
import type { Detection } from '../core/types';
import type { FromWorker, ToWorker, WorkerInit } from './inference-worker';
import { assertRgbImage } from './pose-estimator';
import type { PoseEstimator, Region, RgbImage } from './pose-estimator';
import type { BackendChoice } from './engines/pose-engine';
import { isSharedDevice } from './engines/pose-engine';

interface Job {
  image: RgbImage;
  focus?: readonly Region[];
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
}

/**
 * Pose inference on worker threads: one single-threaded model instance per worker (ONNX Runtime
 * with one intra-op thread, or tfjs-wasm), so a box uses all its cores, jobs handed out in arrival order,
 * the event loop never blocked by the model. Each camera has at most one frame in flight (its
 * pipeline awaits it; its tiles are separate jobs), so the queue is bounded by cameras x tiles;
 * newer frames wait in the camera's frame slot, which drops its oldest when full (counted as
 * drops). A worker that dies fails its one job and is replaced.
 */
export class WorkerPoolEstimator implements PoseEstimator {
  backend = 'unknown';
  choice: BackendChoice = { name: 'cpu', skipped: [] };
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closing = false;
  private starting = 0;
  /** Jobs that waited for a free worker, and how long in total (ms). */
  queued = 0;
  queueWaitMs = 0;

  private constructor(
    private readonly init: WorkerInit,
    private readonly log: Logger,
  ) {}

  /**
   * Starts `size` workers (onnx, wasm and cpu backends: one single-threaded model each). A
   * backend with its own thread pool or a GPU (tfjs-node, tfjs-node-gpu, onnx-cuda,
   * onnx-tensorrt) gets one worker: it uses the whole device. The first worker converts the model
   * to ONNX where needed; the others then read it from the cache.
   */
  static async start(init: WorkerInit, size: number, log: Logger) {
    const pool = new WorkerPoolEstimator(init, log);
    await pool.spawn();
    const native = isSharedDevice(pool.backend);
    const more = native ? 0 : Math.max(0, size - 1);
    await Promise.all(Array.from({ length: more }, () => pool.spawn()));
    log.info(
      { workers: pool.slots.length, backend: pool.backend, requested: size },
      'inference worker pool ready',
    );
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Adds workers up to `size` (more cameras were added); a native backend keeps its one. */
  async grow(size: number): Promise<void> {
    if (this.closing || isSharedDevice(this.backend)) return;
    const more = size - this.slots.length - this.starting;
    if (more <= 0) return;
    this.starting += more;
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

  estimate(image: RgbImage, focus?: readonly Region[]): Promise<Detection[]> {
    assertRgbImage(image);
    if (focus && focus.length === 0) return Promise.resolve([]);
    if (this.closing)
      return Promise.reject(new VigilError('VIGIL_ERR_INFERENCE_FAILED', 'inference pool closed'));
    return new Promise((resolve, reject) => {
      const job: Job = { image, focus, resolve, reject };
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
    for (const j of this.queue.splice(0))
      j.reject(new VigilError('VIGIL_ERR_INFERENCE_FAILED', 'inference pool closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Promise<Slot> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(builtScript('pose/inference-worker.js'), { workerData: this.init });
      const slot: Slot = { worker, buffer: undefined, job: undefined, jobId: 0 };
      let ready = false;
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          ready = true;
          this.backend = m.choice.name;
          this.choice = m.choice;
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
        if (!ready || this.closing) return;
        this.slots.splice(this.slots.indexOf(slot), 1);
        slot.job?.reject(
          new VigilError('VIGIL_ERR_INFERENCE_FAILED', `inference worker exited (${code})`),
        );
        this.log.warn({ code }, 'inference worker exited; starting another');
        this.spawn().catch((err: unknown) =>
          this.log.error({ err: String(err) }, 'inference worker could not be replaced'),
        );
      });
    });
  }

  private run(slot: Slot, job: Job): void {
    const { width, height, rgb } = job.image;
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
    new Uint8Array(slot.buffer, 0, bytes).set(rgb);
    slot.job = job;
    slot.jobId = msg.id;
    slot.worker.postMessage(msg);
  }

  private finish(slot: Slot, m: Extract<FromWorker, { id: number }>): void {
    const job = slot.job;
    if (!job || m.id !== slot.jobId) return;
    slot.job = undefined;
    if (m.type === 'result') job.resolve(m.detections as Detection[]);
    else job.reject(new VigilError(m.code as ErrorCode, m.message));
    this.pump();
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.job) continue;
      const job = this.queue.shift();
      if (!job) return;
      this.queued++;
      this.queueWaitMs += performance.now() - (job.queuedAt ?? performance.now());
      this.run(slot, job);
    }
  }
}
