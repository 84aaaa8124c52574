import type { CameraConfig } from '../config/schema';
import type { Clock } from '../core/clock';
import { Backoff } from '../core/backoff';
import type { Logger } from '../core/logger';
import { errorMessage } from '../core/errors';
import type { ErrorCode } from '../core/errors';
import type { FfmpegBinary } from './ffmpeg-binary';
import { FfmpegProcess } from './ffmpeg-process';
import type { FfmpegExit } from './ffmpeg-process';
import type { ClipCodec, SegmentRing } from '../clips/segment-ring';
import { RingRecovery } from '../clips/ring-recovery';
import type { SourceInfo } from './ffmpeg-args';
import { isNetworkUrl } from './ffmpeg-args';
import { classifyFault, rtspEndpoint } from './stream-faults';
import type { StreamFault } from './stream-faults';
import { tcpReachable } from './tcp-probe';
import { STREAM_STATES } from '../core/stream-state';
import type { StreamState } from '../core/stream-state';
import type { StreamError } from '../core/camera-status';
import { FramePool } from './frame-pool';

export { STREAM_STATES } from '../core/stream-state';
export type { StreamState } from '../core/stream-state';

const HEALTHY_RESET_MS = 60_000;
const IO_TIMEOUT_MARGIN_S = 5;
/** A refused password is retried slowly: never hammer a camera (and its lockout) with it. */
export const AUTH_RETRY_LADDER_MS = [30_000, 60_000, 120_000, 300_000] as const;
const AUTH_MIN_MS = 30_000;
/** While unreachable, a TCP connect is tried this often: cheap, and a rebooted camera is back fast. */
const PROBE_LADDER_MS = [1000, 2000, 3000] as const;
const PROBE_TIMEOUT_MS = 2000;

const CODES: Record<StreamFault, ErrorCode> = {
  auth: 'VIGIL_ERR_STREAM_AUTH',
  unreachable: 'VIGIL_ERR_STREAM_UNREACHABLE',
  exited: 'VIGIL_ERR_STREAM_EXITED',
  stalled: 'VIGIL_ERR_STREAM_STALLED',
};

/**
 * Keeps one camera's ffmpeg running. Every exit is a fault (a live camera never ends; a file
 * without `loop` that reaches its end is `ended`, not restarted), read from
 * ffmpeg's stderr: a refused password waits 30 s or more (`auth_failed`); a camera that does not
 * answer is probed with a TCP connect every few seconds and reconnected as soon as it accepts
 * (`unreachable`); anything else reconnects on the backoff ladder (`backoff`). A frame watchdog
 * kills a stalled ffmpeg. A generation number makes a late exit of an old ffmpeg harmless.
 */
export class StreamSupervisor {
  state: StreamState = 'stopped';
  lastError: StreamError | undefined;
  sourceInfo: SourceInfo | undefined;
  restarts = 0;
  /** Called on every state change (status topic, API, offline alerts). */
  onStateChange: ((state: StreamState) => void) | undefined;
  private proc: FfmpegProcess | undefined;
  private generation = 0;
  private timer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private readonly backoff = new Backoff();
  private readonly authBackoff = new Backoff(AUTH_RETRY_LADDER_MS);
  private readonly probeBackoff = new Backoff(PROBE_LADDER_MS);
  private streamingSinceMs = 0;
  private stateSinceMs: number;
  private readonly msInState = new Map<StreamState, number>();
  /** Brings the clip ring back after a full disk (restarts ffmpeg once it can write). */
  private readonly ringRecovery: RingRecovery | undefined;

  /** The camera's frame buffers: give one back with giveBack() once nobody reads it. */
  private readonly framePool: FramePool;

  constructor(
    private readonly camera: CameraConfig,
    private readonly ffmpeg: FfmpegBinary,
    private readonly onFrame: (rgb: Buffer, capturedMs: number) => void,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** The camera's event-clip ring, written by the same ffmpeg; undefined: clips off. */
    private readonly clips?: { ring: SegmentRing; codec: ClipCodec },
  ) {
    this.stateSinceMs = clock.now();
    const { width, height } = camera.analysis;
    this.framePool = new FramePool(width * height * 3);
    const ring = clips?.ring;
    if (ring)
      this.ringRecovery = new RingRecovery({
        dir: ring.dir,
        needBytes: () => 3 * ring.largestSegmentBytes,
        restart: () => this.recycle(),
        log,
      });
  }

  start(): void {
    if (this.state !== 'stopped') return;
    this.launch();
  }

  async stop(): Promise<void> {
    this.generation++;
    this.setState('stopped');
    this.ringRecovery?.dispose();
    clearTimeout(this.timer);
    clearTimeout(this.watchdog);
    const proc = this.proc;
    this.proc = undefined;
    if (proc) await proc.stop();
  }

  /** A frame of this camera that nobody reads any more: its buffer takes a later frame. */
  giveBack(rgb: Buffer): void {
    this.framePool.give(rgb);
  }

  /** Seconds spent in each state since the supervisor was made, the current one included. */
  secondsInStates(): Record<StreamState, number> {
    const out = {} as Record<StreamState, number>;
    for (const s of STREAM_STATES) {
      const current = s === this.state ? this.clock.now() - this.stateSinceMs : 0;
      out[s] = Math.round(((this.msInState.get(s) ?? 0) + current) / 100) / 10;
    }
    return out;
  }

  private launch(): void {
    const gen = ++this.generation;
    const { source, analysis } = this.camera;
    const proc = new FfmpegProcess(
      this.ffmpeg,
      // ffmpeg's socket timeout is only a safety net: the frame watchdog decides what a stall is.
      { ...source, ioTimeoutSeconds: this.camera.watchdogSeconds + IO_TIMEOUT_MARGIN_S },
      { width: analysis.width, height: analysis.height, fps: analysis.fps },
      this.log,
      this.clips?.ring.sideOutput(this.clips.codec, () => this.clock.now(), this.ringRecovery),
    );
    this.proc = proc;
    this.setState('connecting');
    this.armWatchdog(gen);
    proc.start();
    void this.pump(proc, gen);
  }

  /**
   * A planned restart, not a fault (no backoff, no error): ffmpeg is stopped and started again
   * at once. Only while it runs: a camera reconnecting starts a fresh ffmpeg anyway.
   */
  private recycle(): void {
    const proc = this.proc;
    if (!proc || (this.state !== 'streaming' && this.state !== 'connecting')) return;
    const gen = ++this.generation;
    clearTimeout(this.watchdog);
    this.log.info('restarting ffmpeg to reopen the clip ring');
    void proc.stop().then(() => {
      if (gen === this.generation) this.launch();
    });
  }

  private async pump(proc: FfmpegProcess, gen: number): Promise<void> {
    let streamed = false;
    try {
      for await (const rgb of proc.frames(this.framePool)) {
        if (gen !== this.generation) break;
        streamed = true;
        if (this.state !== 'streaming') this.onStreaming(proc);
        this.armWatchdog(gen);
        this.onFrame(rgb, this.clock.now());
      }
    } catch (err) {
      this.log.debug({ err: errorMessage(err) }, 'ffmpeg output stream error');
    }
    const exit = await proc.exited;
    if (gen === this.generation) this.onExit(proc, exit, streamed);
  }

  private onStreaming(proc: FfmpegProcess): void {
    this.sourceInfo = proc.sourceInfo;
    this.streamingSinceMs = this.clock.now();
    this.authBackoff.reset();
    this.probeBackoff.reset();
    this.setState('streaming');
  }

  /** A file without `loop` that ffmpeg read to its end (exit 0 after frames): nothing to retry. */
  private finishedFile(exit: FfmpegExit, streamed: boolean): boolean {
    const { url, loop } = this.camera.source;
    return streamed && !loop && !isNetworkUrl(url) && exit.code === 0 && !exit.error;
  }

  private onExit(proc: FfmpegProcess, exit: FfmpegExit, streamed: boolean): void {
    clearTimeout(this.watchdog);
    if (this.state !== 'stalled' && this.finishedFile(exit, streamed)) {
      this.log.info('file played to its end (source.loop is false): camera ended');
      this.setState('ended');
      return;
    }
    const stderr = proc.stderrTail();
    const fault = this.state === 'stalled' ? 'stalled' : classifyFault(stderr, streamed);
    const stalled = fault === 'stalled';
    if (stalled) this.setState('stalled');
    const detail =
      exit.error ??
      `ffmpeg exited with code ${exit.code ?? 'null'}${exit.signal ? ` (${exit.signal})` : ''}`;
    const lastLine = stderr.at(-1);
    this.lastError = {
      code: CODES[fault],
      message: stalled
        ? `no frame for ${this.camera.watchdogSeconds}s; ${detail}`
        : lastLine && fault !== 'exited'
          ? `${detail}: ${lastLine}`
          : detail,
      at: new Date(this.clock.now()).toISOString(),
      stderr,
    };
    if (this.streamingSinceMs > 0 && this.clock.now() - this.streamingSinceMs >= HEALTHY_RESET_MS)
      this.backoff.reset();
    this.streamingSinceMs = 0;
    this.restarts++;
    const endpoint = rtspEndpoint(this.camera.source.url);
    if (fault === 'unreachable' && endpoint) {
      this.report(0);
      this.setState('unreachable');
      this.probe(endpoint, this.generation);
      return;
    }
    const delay =
      fault === 'auth' ? Math.max(AUTH_MIN_MS, this.authBackoff.next()) : this.backoff.next();
    this.report(delay);
    this.setState(fault === 'auth' ? 'auth_failed' : 'backoff');
    const gen = this.generation;
    this.timer = setTimeout(() => {
      if (gen === this.generation) this.launch();
    }, delay);
  }

  private report(retryMs: number): void {
    const e = this.lastError;
    if (!e) return;
    this.log.warn(
      { code: e.code, err: e.message, retryMs, lastStderr: e.stderr.slice(-5) },
      retryMs > 0 ? 'stream down; reconnecting' : 'camera unreachable; probing',
    );
  }

  /** TCP connects on a short ladder; ffmpeg is started again as soon as one succeeds. */
  private probe(endpoint: { host: string; port: number }, gen: number): void {
    this.timer = setTimeout(() => {
      void tcpReachable(endpoint.host, endpoint.port, PROBE_TIMEOUT_MS).then((ok) => {
        if (gen !== this.generation) return;
        if (ok) this.launch();
        else this.probe(endpoint, gen);
      });
    }, this.probeBackoff.next());
  }

  private armWatchdog(gen: number): void {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      if (gen !== this.generation || !this.proc) return;
      this.setState('stalled');
      void this.proc.stop(1000);
    }, this.camera.watchdogSeconds * 1000);
  }

  private setState(next: StreamState): void {
    if (next === this.state) return;
    const now = this.clock.now();
    this.msInState.set(this.state, (this.msInState.get(this.state) ?? 0) + now - this.stateSinceMs);
    this.stateSinceMs = now;
    this.log.info({ from: this.state, to: next }, `stream ${next}`);
    this.state = next;
    this.onStateChange?.(next);
  }
}
