import type { CameraConfig, InferenceConfig } from '../config/schema';
import type { Clock } from '../core/clock';
import { LatestSlot } from '../core/latest-slot';
import type { Logger } from '../core/logger';
import { RateMeter } from '../core/rate-meter';
import { errorMessage, isVigilError } from '../core/errors';
import type { Frame } from '../core/types';
import type { AlertDispatcher } from '../alerts/alert-dispatcher';
import type { CameraRef } from '../alerts/alert';
import { blankFrame } from './frame-processor';
import type { FrameProcessor, ProcessedFrame } from './frame-processor';
import type { FfmpegBinary } from '../camera/ffmpeg-binary';
import { StreamSupervisor } from '../camera/stream-supervisor';
import type { SegmentRing } from '../clips/segment-ring';
import { OfflineWatch } from '../camera/offline-watch';
import { MotionGate } from './motion-gate';
import { TamperWatch } from './tamper-watch';
import type { TamperNotice } from './tamper-watch';
import { ModelRateWatch } from './model-rate-watch';
import { LatencyWindow } from '../core/latency-window';
import type { CameraHealthEvent, CameraStatus, InferencePoolStatus } from '../core/camera-status';

/** When a frame goes to the model and when it is coasted (the config's inference section). */
export type ModelScheduling = Pick<InferenceConfig, 'coastWhenBusy' | 'minModelFps'> & {
  /**
   * The model sees every Nth frame that needs it and the others are coasted, whatever the load:
   * what a busy daemon does, on purpose (analyze --model-every, bench:tracking). Default: off.
   */
  modelEvery?: number;
};

export interface CameraPipelineDeps {
  ffmpeg: FfmpegBinary;
  processor: FrameProcessor;
  dispatcher: AlertDispatcher;
  clock: Clock;
  log: Logger;
  /** Receives the camera's status on every state change and once a minute. */
  onStatus?: (status: CameraStatus) => void;
  /** Where the camera's ffmpeg also writes the last seconds of its stream (event clips). */
  clipRing?: SegmentRing;
  /** Receives tamper / tamper_cleared (config tamper). */
  onTamper?: (notice: TamperNotice, camera: CameraRef) => void;
  /** The shared inference worker pool's state, for the camera's status. */
  inferencePool?: () => InferencePoolStatus | undefined;
  /** Receives camera_offline / camera_online (config offlineAlertSeconds). */
  onHealth?: (event: CameraHealthEvent, status: CameraStatus) => void;
}

const STATUS_EVERY_MS = 60_000;
/**
 * Frames kept while the camera's newest frame waits for or runs in the model (1.6 s at 5 fps),
 * coasted after it.
 */
const COAST_BACKLOG = 8;

/**
 * One live camera: the supervisor's frames go into a bounded slot; one loop takes them in order
 * and runs the named steps. The model sees the newest frame; with coastWhenBusy the few frames
 * that arrived during its run are then tracked on prediction. Beyond the slot's few frames a slow
 * model drops frames (counted), never queues them. `analyze` runs the same `step` on a file's
 * frames (one step loop).
 */
export class CameraPipeline {
  private readonly slot: LatestSlot<Frame>;
  private readonly supervisor: StreamSupervisor;
  private readonly inMeter = new RateMeter();
  private readonly outMeter = new RateMeter();
  private readonly modelMeter = new RateMeter();
  private readonly rateWatch = new ModelRateWatch();
  private lastModelMs = -Infinity;
  private readonly ref: CameraRef;
  private loop: Promise<void> | undefined;
  private index = 0;
  private inferenceErrors = 0;
  private inferenceTimeouts = 0;
  /** The code of the inference failure going on (logged once), undefined while the model runs. */
  private failing: string | undefined;
  private lastInferenceMs: number | null = null;
  private trackCount = 0;
  private statusTimer: NodeJS.Timeout | undefined;
  private readonly offline: OfflineWatch;
  private readonly gate: MotionGate;
  private readonly latency = new LatencyWindow(256);
  private readonly alertLatency = new LatencyWindow(64);
  /** Frames that needed the model so far (scheduling.modelEvery counts them). */
  private modelWanted = 0;
  private lastTracks: ProcessedFrame['tracks'] = [];
  private lastPeople: ProcessedFrame['people'] = [];
  private readonly tamper: TamperWatch | undefined;
  /** Called after every analysed frame (tests and the API's latest-frame view). */
  onProcessed: ((p: ProcessedFrame) => void) | undefined;
  /** The newest analysed frame with its tracks (the API's live view). */
  latest: ProcessedFrame | undefined;

  constructor(
    public config: CameraConfig,
    private readonly deps: CameraPipelineDeps,
    private readonly scheduling: ModelScheduling = { coastWhenBusy: false, minModelFps: 1 },
  ) {
    // Coasting: frames that arrive while this camera's model run is in flight wait (a few) and
    // are then tracked on prediction in order; without it the newest frame replaces them.
    this.slot = new LatestSlot<Frame>(scheduling.coastWhenBusy ? COAST_BACKLOG : 1, (f) =>
      this.supervisor.giveBack(f.rgb),
    );
    this.ref = {
      id: config.id,
      name: config.name,
      width: config.analysis.width,
      height: config.analysis.height,
      snapshotUrl: config.source.snapshotUrl,
      blurHeads: config.privacy.blurHeads,
    };
    this.supervisor = new StreamSupervisor(
      config,
      deps.ffmpeg,
      (rgb, ts) => this.receive(rgb, ts),
      deps.clock,
      deps.log,
      deps.clipRing ? { ring: deps.clipRing, codec: config.clips.codec } : undefined,
    );
    this.gate = new MotionGate(config);
    this.tamper = config.tamper.enabled ? new TamperWatch(config.tamper) : undefined;
    this.offline = new OfflineWatch(config.offlineAlertSeconds * 1000, deps.clock, (e) =>
      deps.onHealth?.(e, this.status()),
    );
  }

  start(): void {
    const report = () => this.deps.onStatus?.(this.status());
    this.supervisor.onStateChange = (state) => {
      report();
      this.offline.onState(state);
    };
    this.statusTimer = setInterval(report, STATUS_EVERY_MS);
    this.supervisor.start();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    clearInterval(this.statusTimer);
    await this.supervisor.stop();
    this.offline.dispose();
    this.slot.close();
    await this.loop;
    const events = this.deps.processor.flush(this.deps.clock.now());
    if (events.length > 0)
      await this.deps.dispatcher.dispatch(
        this.ref,
        blankFrame(this.config, this.deps.clock.now()),
        this.deps.processor.zones,
        events,
      );
  }

  /** The id the camera's next new track gets (a restarted camera continues from here). */
  get nextTrackId(): number {
    return this.deps.processor.nextTrackId;
  }

  /** Applies changed zones without touching the stream: the next analysed frame uses them. */
  updateZones(camera: CameraConfig): void {
    this.config = camera;
    this.deps.processor.setZones(camera);
  }

  /** Writes the camera's pose recording so far. */
  flushRecording(): void {
    this.deps.processor.flushRecording();
  }

  get zones() {
    return this.deps.processor.zones;
  }

  status(): CameraStatus {
    const now = this.deps.clock.now();
    const info = this.supervisor.sourceInfo;
    return {
      id: this.config.id,
      name: this.config.name,
      state: this.supervisor.state,
      inputFps: this.inMeter.rate(now),
      analysedFps: this.outMeter.rate(now),
      framesIn: this.inMeter.count,
      framesAnalysed: this.outMeter.count,
      droppedFrames: this.slot.dropped,
      skippedNoMotion: this.gate.skipped,
      modelFps: this.modelMeter.rate(now),
      degraded: this.rateWatch.degraded,
      ...this.degradedWhy(now),
      framesCoasted: this.outMeter.count - this.modelMeter.count,
      latencyMs: this.latency.summary(),
      alertLatencyMs: this.alertLatency.summary(),
      inferenceErrors: this.inferenceErrors,
      inferenceTimeouts: this.inferenceTimeouts,
      inferencePool: this.deps.inferencePool?.() ?? null,
      lastInferenceMs: this.lastInferenceMs,
      tracks: this.trackCount,
      restarts: this.supervisor.restarts,
      secondsInStates: this.supervisor.secondsInStates(),
      source: info
        ? { width: info.width, height: info.height, fps: info.fps ?? null, codec: info.codec }
        : null,
      lastError: this.supervisor.lastError ?? null,
      tamper: this.tamper?.kind ?? null,
    };
  }

  private receive(rgb: Buffer, capturedMs: number): void {
    this.inMeter.mark(capturedMs);
    const { width, height } = this.config.analysis;
    this.slot.put({
      camera: this.config.id,
      index: this.index++,
      timestampMs: capturedMs,
      width,
      height,
      rgb,
    });
  }

  private async run(): Promise<void> {
    for (let frame = await this.slot.take(); frame; frame = await this.slot.take()) {
      await this.step(frame);
    }
  }

  /**
   * The daemon's one step per frame, for the live loop and for analyze (which feeds a file's
   * frames here one at a time on a virtual clock): tamper watch, motion gate, model or coast,
   * rules, publish. Undefined: the motion gate skipped the frame (the tracks stay as they were).
   */
  async step(frame: Frame): Promise<ProcessedFrame | undefined> {
    this.watchTamper(frame);
    const decision = this.gate.decide(frame, this.lastTracks);
    this.watchModelRate(decision.analyse);
    if (!decision.analyse) {
      // Nothing keeps a skipped frame (tamper and motion keep measures, not pixels).
      this.supervisor.giveBack(frame.rgb);
      return undefined;
    }
    let processed: ProcessedFrame;
    try {
      if (this.shouldCoast()) processed = this.deps.processor.coast(frame);
      else {
        const priority = this.lastModelMs;
        this.lastModelMs = frame.timestampMs;
        processed = await this.deps.processor.process(frame, decision.focus, priority);
        this.modelMeter.mark(this.deps.clock.now());
        this.inferenceBack();
      }
    } catch (err) {
      // The model failed on this frame (a stuck or dead worker among them): counted, and the
      // frame is tracked on prediction so dwell times and open incidents keep their timing.
      this.inferenceFailed(frame, err);
      processed = this.deps.processor.coast(frame);
    }
    this.outMeter.mark(this.deps.clock.now());
    if (!processed.coasted) this.lastInferenceMs = Math.round(processed.inferenceMs);
    this.trackCount = processed.tracks.length;
    this.lastTracks = processed.tracks;
    this.lastPeople = processed.people;
    await this.publish(processed);
    const latency = this.deps.clock.now() - frame.timestampMs;
    this.latency.add(latency);
    if (processed.events.length > 0) this.alertLatency.add(latency);
    this.retire(this.latest);
    this.latest = processed;
    this.onProcessed?.(processed);
    return processed;
  }

  /** The model rate under which the camera is degraded: minModelFps, or its analysis rate if lower. */
  private get wantedModelFps(): number {
    return Math.min(this.scheduling.minModelFps, this.config.analysis.fps);
  }

  /** Why the camera is degraded, in a code and in words (CameraStatus.degradedReason). */
  private degradedWhy(now: number): Pick<CameraStatus, 'degradedReason' | 'degradedDetail'> {
    if (!this.rateWatch.degraded) return { degradedReason: null, degradedDetail: null };
    const pool = this.deps.inferencePool?.();
    const rate = `the model runs ${this.modelMeter.rate(now).toFixed(1)}/s, under its floor of ${this.wantedModelFps}/s`;
    if (pool?.state === 'down')
      return {
        degradedReason: 'workers_down',
        degradedDetail: `${rate}: no inference worker runs (${pool.replacing} being started)`,
      };
    if (this.failing)
      return {
        degradedReason: 'inference_failing',
        degradedDetail: `${rate}: model runs fail (${this.failing}); frames are tracked on prediction`,
      };
    return {
      degradedReason: 'overloaded',
      degradedDetail: `${rate}: the box is overloaded (every camera gets the same share of the model; fewer cameras, a lower analysis.fps or a bigger box; see README, Sizing)`,
    };
  }

  /**
   * The live view's previous frame, replaced: its buffer takes a later frame, unless it raised
   * events (a snapshot may still be encoded from it). Its tiles were copied to the workers, the
   * tamper watch keeps copies, the live view copies what it renders.
   */
  private retire(previous: ProcessedFrame | undefined): void {
    if (previous && previous.events.length === 0) this.supervisor.giveBack(previous.frame.rgb);
  }

  /** Counts a failed model run; logs when failures start or change kind, not every frame. */
  private inferenceFailed(frame: Frame, err: unknown): void {
    this.inferenceErrors++;
    const code = isVigilError(err) ? err.code : 'VIGIL_ERR_INFERENCE_FAILED';
    if (code === 'VIGIL_ERR_INFERENCE_TIMEOUT') this.inferenceTimeouts++;
    if (this.failing === code) return;
    this.failing = code;
    this.deps.log.warn(
      { code, err: errorMessage(err), frame: frame.index },
      'inference failed: frames are tracked on prediction until the model answers again',
    );
  }

  private inferenceBack(): void {
    if (this.failing === undefined) return;
    this.deps.log.info({ inferenceErrors: this.inferenceErrors }, 'inference answers again');
    this.failing = undefined;
  }

  /** Every frame, before the motion gate: a covered lens shows no motion. */
  private watchTamper(frame: Frame): void {
    const notice = this.tamper?.push(frame, this.lastPeople);
    if (!notice) return;
    this.deps.onTamper?.(notice, this.ref);
    this.deps.onStatus?.(this.status()); // the retained status says it at once (Home Assistant)
  }

  /** One log line when the camera becomes degraded (overloaded) and one when it recovers. */
  private watchModelRate(needsModel: boolean): void {
    const now = this.deps.clock.now();
    const wanted = this.wantedModelFps;
    const modelFps = this.modelMeter.rate(now);
    const change = this.rateWatch.update(now, modelFps, wanted, needsModel);
    if (change === 'entered')
      this.deps.log.warn(
        { modelFps, minModelFps: wanted },
        'camera degraded: the model runs under its floor (the box is overloaded; see README, Sizing)',
      );
    else if (change === 'left') this.deps.log.info({ modelFps }, 'camera no longer degraded');
  }

  /**
   * Coast (track on prediction) a frame that newer frames wait behind: the model sees the newest.
   * Every other frame that needs the model asks for it at once, however busy the model is: the
   * shared pool runs the camera furthest behind first (priority: this camera's last model run),
   * so no worker idles while a camera waits and every camera keeps the same share under load.
   */
  private shouldCoast(): boolean {
    const { coastWhenBusy, modelEvery } = this.scheduling;
    if (modelEvery !== undefined) return this.modelWanted++ % modelEvery !== 0;
    return coastWhenBusy && this.slot.pending > 0;
  }

  private async publish(p: ProcessedFrame): Promise<void> {
    if (p.events.length === 0) return;
    await this.deps.dispatcher.dispatch(
      this.ref,
      p.frame,
      this.deps.processor.zones,
      p.events,
      p.people,
    );
  }
}
