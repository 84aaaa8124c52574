import type { CameraConfig } from '../config/schema';
import type { Clock } from '../core/clock';
import { Backoff } from '../core/backoff';
import type { Logger } from '../core/logger';
import { errorMessage } from '../core/errors';
import type { ErrorCode } from '../core/errors';
import type { FfmpegBinary } from './ffmpeg-binary';
import { FfmpegProcess } from './ffmpeg-process';
import type { FfmpegExit } from './ffmpeg-process';
import type { SourceInfo } from './ffmpeg-args';

export type StreamState = 'connecting' | 'streaming' | 'stalled' | 'backoff' | 'stopped';

export interface StreamError {
  code: ErrorCode;
  message: string;
  at: string;
  /** ffmpeg's last stderr lines at the failure. */
  stderr: string[];
}

const HEALTHY_RESET_MS = 60_000;

/**
 * Keeps one camera's ffmpeg running: every exit is a fault (a live camera never ends), followed
 * by a reconnect on the backoff ladder; a frame watchdog kills a stalled ffmpeg. A generation
 * number makes a late exit of an old ffmpeg harmless to its successor.
 */
export class StreamSupervisor {
  state: StreamState = 'stopped';
  lastError: StreamError | undefined;
  sourceInfo: SourceInfo | undefined;
  restarts = 0;
  /** Called on every state change (status topic, API). */
  onStateChange: ((state: StreamState) => void) | undefined;
  private proc: FfmpegProcess | undefined;
  private generation = 0;
  private timer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private readonly backoff = new Backoff();
  private streamingSinceMs = 0;

  constructor(
    private readonly camera: CameraConfig,
    private readonly ffmpeg: FfmpegBinary,
    private readonly onFrame: (rgb: Buffer, capturedMs: number) => void,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (this.state !== 'stopped') return;
    this.launch();
  }

  async stop(): Promise<void> {
    this.generation++;
    this.setState('stopped');
    clearTimeout(this.timer);
    clearTimeout(this.watchdog);
    const proc = this.proc;
    this.proc = undefined;
    if (proc) await proc.stop();
  }

  private launch(): void {
    const gen = ++this.generation;
    const { source, analysis } = this.camera;
    const proc = new FfmpegProcess(
      this.ffmpeg,
      { ...source, ioTimeoutSeconds: Math.min(this.camera.watchdogSeconds, 10) },
      { width: analysis.width, height: analysis.height, fps: analysis.fps },
      this.log,
    );
    this.proc = proc;
    this.setState('connecting');
    this.armWatchdog(gen);
    proc.start();
    void this.pump(proc, gen);
  }

  private async pump(proc: FfmpegProcess, gen: number): Promise<void> {
    try {
      for await (const rgb of proc.frames()) {
        if (gen !== this.generation) break;
        if (this.state !== 'streaming') this.onStreaming(proc);
        this.armWatchdog(gen);
        this.onFrame(rgb, this.clock.now());
      }
    } catch (err) {
      this.log.debug({ err: errorMessage(err) }, 'ffmpeg output stream error');
    }
    const exit = await proc.exited;
    if (gen === this.generation) this.onExit(proc, exit);
  }

  private onStreaming(proc: FfmpegProcess): void {
    this.sourceInfo = proc.sourceInfo;
    this.streamingSinceMs = this.clock.now();
    this.setState('streaming');
  }

  private onExit(proc: FfmpegProcess, exit: FfmpegExit): void {
    clearTimeout(this.watchdog);
    const stalled = this.state === 'stalled';
    const detail =
      exit.error ??
      `ffmpeg exited with code ${exit.code ?? 'null'}${exit.signal ? ` (${exit.signal})` : ''}`;
    this.lastError = {
      code: stalled ? 'VIGIL_ERR_STREAM_STALLED' : 'VIGIL_ERR_STREAM_EXITED',
      message: stalled ? `no frame for ${this.camera.watchdogSeconds}s; ${detail}` : detail,
      at: new Date(this.clock.now()).toISOString(),
      stderr: proc.stderrTail(),
    };
    if (this.streamingSinceMs > 0 && this.clock.now() - this.streamingSinceMs >= HEALTHY_RESET_MS)
      this.backoff.reset();
    this.streamingSinceMs = 0;
    const delay = this.backoff.next();
    this.restarts++;
    this.log.warn(
      {
        code: this.lastError.code,
        err: this.lastError.message,
        retryMs: delay,
        lastStderr: this.lastError.stderr.slice(-5),
      },
      'stream down; reconnecting',
    );
    this.setState('backoff');
    const gen = this.generation;
    this.timer = setTimeout(() => {
      if (gen === this.generation) this.launch();
    }, delay);
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
    this.log.info({ from: this.state, to: next }, `stream ${next}`);
    this.state = next;
    this.onStateChange?.(next);
  }
}
