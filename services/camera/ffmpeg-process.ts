import type { ChildProcess } from 'node:child_process';
import ffmpeg from 'fluent-ffmpeg';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import { redactUrl } from '../core/logger';
import { FrameAssembler } from './frame-assembler';
import { FrameFifo } from './frame-fifo';
import type { FramePool } from './frame-pool';
import { InputBanner, ffmpegInput, outputOptions } from './ffmpeg-args';
import type { InputList } from './input-list';
import type { FfmpegBinary } from './ffmpeg-binary';
import type { InputSpec, OutputSpec, SourceInfo } from './ffmpeg-args';

export interface FfmpegExit {
  code: number | null;
  signal: string | null;
  /** fluent-ffmpeg's error message when it reported one (non-zero exit, spawn failure). */
  error?: string;
  /** True when we asked it to stop. */
  requested: boolean;
}

const STDERR_LINES = 100;
/** Whole frames assembled ahead of the consumer before the pipe is paused. */
const FRAMES_AHEAD = 2;

/** A second output of the same ffmpeg (the event-clip ring): its options and its stderr lines. */
export interface SideOutput {
  /** Output options; the last one is the output itself. */
  options(): string[];
  /** One stderr line; true when it was this output's own (kept out of the error tail). */
  onStderr(line: string): boolean;
  onExit(): void;
}

/**
 * One run of ffmpeg decoding one input into raw rgb24 frames. The adapter around fluent-ffmpeg:
 * nothing else in Vigil touches it. A run is never restarted; the supervisor makes a new one.
 */
export class FfmpegProcess {
  readonly exited: Promise<FfmpegExit>;
  sourceInfo: SourceInfo | undefined;
  private readonly banner = new InputBanner();
  private readonly stderr: string[] = [];
  /**
   * Where ffmpeg writes the frames (a named pipe read without garbage; see frame-fifo.ts);
   * undefined when it could not be made (a full or read-only temp dir): start() then ends the
   * run at once with the reason, and the supervisor retries on its backoff.
   */
  private readonly fifo: FrameFifo | undefined;
  private readonly fifoError: string | undefined;
  private settle: (exit: FfmpegExit) => void = () => undefined;
  private reading = false;
  private readonly command: ffmpeg.FfmpegCommand;
  private proc: ChildProcess | undefined;
  private stopRequested = false;
  private readonly list: InputList | undefined;

  constructor(
    binary: FfmpegBinary,
    input: InputSpec,
    private readonly output: OutputSpec,
    private readonly log: Logger,
    private readonly side?: SideOutput,
  ) {
    try {
      this.fifo = new FrameFifo();
    } catch (err) {
      this.fifoError = `cannot make the frame pipe in the temp dir: ${errorMessage(err)}`;
    }
    const { options, input: source, list } = ffmpegInput(input, binary.major);
    this.list = list;
    this.command = ffmpeg(source, { stdoutLines: 0 })
      .setFfmpegPath(binary.path)
      .inputOptions(options)
      .output(this.fifo?.path ?? 'pipe:1')
      .outputOptions(outputOptions(output));
    if (side) {
      const opts = side.options();
      this.command.output(opts.at(-1)!).outputOptions(opts.slice(0, -1));
    }
    this.exited = new Promise<FfmpegExit>((resolve) => {
      this.settle = resolve;
      this.command.on('start', (cmd: string) => this.onStart(cmd));
      this.command.on('stderr', (line: string) => this.onStderr(line));
      this.command.on('end', () => resolve(this.exitInfo(undefined)));
      this.command.on('error', (err: Error) => resolve(this.exitInfo(err)));
    }).finally(() => {
      this.list?.remove();
      this.side?.onExit();
      if (!this.reading) this.fifo?.close(); // nobody asked for frames
    });
  }

  start(): void {
    if (!this.fifo) {
      this.settle({ code: null, signal: null, error: this.fifoError, requested: false });
      return;
    }
    this.command.run();
  }

  private onStart(cmd: string): void {
    this.proc = (this.command as unknown as { ffmpegProc?: ChildProcess }).ffmpegProc;
    // ffmpeg may exit while we write `q`: a broken pipe then is expected, not a crash.
    this.proc?.stdin?.on('error', (err) =>
      this.log.debug({ err: err.message }, 'ffmpeg stdin closed'),
    );
    this.log.debug({ cmd: redactUrl(cmd) }, 'ffmpeg started');
    if (this.stopRequested) this.proc?.kill('SIGKILL');
  }

  /**
   * Whole frames, in order, in buffers of `pool` when given, until ffmpeg has exited and its last
   * bytes are read. A consumer that falls behind pauses the pipe, and ffmpeg waits on it
   * (backpressure) instead of anything buffering.
   */
  async *frames(pool?: FramePool): AsyncGenerator<Buffer> {
    const fifo = this.fifo;
    if (!fifo) return;
    const assembler = new FrameAssembler(this.output.width * this.output.height * 3, pool);
    const ready: Buffer[] = [];
    let ended = false;
    let wake: (() => void) | undefined;
    const take = (bytes: Buffer) => {
      for (const f of assembler.push(bytes)) ready.push(f);
      if (ready.length >= FRAMES_AHEAD) fifo.pause();
      wake?.();
    };
    const end = () => {
      ended = true;
      wake?.();
    };
    this.reading = true;
    fifo.read(take, (err) => {
      this.log.debug({ err: err.message }, 'ffmpeg frame pipe error');
      end();
    });
    void this.exited.then(() => {
      fifo.drain(take);
      end();
    });
    try {
      for (;;) {
        const frame = ready.shift();
        if (frame) {
          if (ready.length < FRAMES_AHEAD) fifo.resume();
          yield frame;
        } else if (ended) return;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      fifo.close();
    }
  }

  /** The last lines ffmpeg wrote on stderr, credentials redacted. */
  stderrTail(): string[] {
    return [...this.stderr];
  }

  /** Asks ffmpeg to quit (`q`), then SIGTERM, then SIGKILL; resolves when it has exited. */
  async stop(graceMs = 2000): Promise<FfmpegExit> {
    this.stopRequested = true;
    const proc = this.proc;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      proc.stdin?.write('q', () => undefined);
      const escalate = [
        setTimeout(() => proc.kill('SIGTERM'), graceMs),
        setTimeout(() => proc.kill('SIGKILL'), graceMs * 2),
      ];
      const exit = await this.exited;
      escalate.forEach(clearTimeout);
      return exit;
    }
    return this.exited;
  }

  private onStderr(line: string): void {
    // ffmpeg reads its input list before it writes anything: the login is no longer needed on disk.
    this.list?.remove();
    if (this.side?.onStderr(line)) return;
    const clean = redactUrl(line);
    this.stderr.push(clean);
    if (this.stderr.length > STDERR_LINES) this.stderr.shift();
    this.sourceInfo = this.banner.read(clean);
  }

  private exitInfo(err: Error | undefined): FfmpegExit {
    const proc = this.proc;
    return {
      code: proc?.exitCode ?? (err ? null : 0),
      signal: proc?.signalCode ?? null,
      error: err ? redactUrl(err.message) : undefined,
      requested: this.stopRequested,
    };
  }
}
