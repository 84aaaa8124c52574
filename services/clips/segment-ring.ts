import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { VigilError } from '../core/errors';
import { InputBanner } from '../camera/ffmpeg-args';
import type { SideOutput } from '../camera/ffmpeg-process';
import type { RingEvents } from './ring-recovery';

/** Seconds per ring segment: a clip is cut on these boundaries (and the camera's keyframes). */
export const SEGMENT_SECONDS = 2;

export type ClipCodec = 'copy' | 'h264';

export interface Segment {
  file: string;
  /** Wall-clock time ffmpeg opened it (its first frame), and closed it (undefined: still open). */
  startMs: number;
  endMs: number | undefined;
}

/** Characters the tee muxer reads as syntax in a slave's file name. */
const TEE_SPECIAL = /[|[\]\\':]/;
const PLAYABLE = ['h264', 'hevc'];
const OPENING = /\[segment @ [^\]]+\] Opening '(.+)' for writing/;
/** The tee gave up on the segment output (full disk, folder gone) for the rest of the run. */
const SLAVE_FAILED = /\[tee @ [^\]]+\] Slave muxer #\d+ failed: (.+?), continuing/;

/**
 * The last few seconds of one camera's stream on disk, as short MPEG-TS segments written by the
 * analysis ffmpeg itself (a second output: the same process and RTSP connection). Segments are
 * timed by the wall clock when ffmpeg opens them (its stderr), kept for the pre-roll, and kept
 * longer while an incident holds them (`hold`).
 */
export class SegmentRing {
  private segments: Segment[] = [];
  private readonly holds = new Map<string, { fromMs: number; toMs: number }>();
  private run = 0;
  /** True from the start of an ffmpeg run that writes here until it exits. */
  running = false;
  /** The camera's codec, from ffmpeg's banner, and how the ring writes it. */
  sourceCodec: string | undefined;
  private codec: ClipCodec = 'copy';
  private banner = new InputBanner();
  private events: RingEvents | undefined;
  /** The largest segment written, bytes: what a retry needs free. */
  largestSegmentBytes = 0;
  /** Why the segment output failed in the current run; undefined while it writes. */
  failure: string | undefined;

  constructor(
    readonly dir: string,
    private readonly keepMs: number,
  ) {
    if (TEE_SPECIAL.test(path.resolve(dir)))
      throw new VigilError(
        'VIGIL_ERR_CONFIG_INVALID',
        `clip folder ${dir} has a character ffmpeg's tee muxer cannot take (| [ ] \\ ' :)`,
      );
    // What a previous run left is no use to this one (its wall times are lost). Only segments are
    // removed: a folder pointed at by mistake keeps everything else.
    mkdirSync(dir, { recursive: true });
    for (const name of readdirSync(dir))
      if (/^r\d+-\d{6}\.ts$/.test(name)) rmSync(path.join(dir, name), { force: true });
  }

  /**
   * ffmpeg output options for one run: the stream copied (or encoded to H.264) into segments,
   * through a tee whose failing slave is ignored, so a full disk never stops the analysis.
   */
  outputOptions(codec: ClipCodec): string[] {
    this.running = true;
    this.codec = codec;
    this.banner = new InputBanner();
    this.failure = undefined;
    const pattern = path.join(path.resolve(this.dir), `r${++this.run}-%06d.ts`);
    const encode =
      codec === 'copy'
        ? ['-c:v', 'copy']
        : [
            ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-crf', '28'],
            // A keyframe every segment, whatever the frame rate: clips cut where they should.
            ...[
              '-pix_fmt',
              'yuv420p',
              '-force_key_frames',
              `expr:gte(t,n_forced*${SEGMENT_SECONDS})`,
            ],
          ];
    const segment = `f=segment:segment_time=${SEGMENT_SECONDS}:segment_format=mpegts:onfail=ignore`;
    return [
      ...['-map', '0:v:0', '-an', '-sn', '-dn', ...encode, '-f', 'tee'],
      // The null slave keeps the tee alive when the segment slave cannot even open (disk gone).
      `[${segment}]${pattern}|[f=null]-`,
    ];
  }

  /**
   * The ring as the analysis ffmpeg's second output, timed by `now` (the camera's clock);
   * `events` hears when the output fails and when it writes a segment whole.
   */
  sideOutput(codec: ClipCodec, now: () => number, events?: RingEvents): SideOutput {
    this.events = events;
    return {
      options: () => this.outputOptions(codec),
      onStderr: (line) => this.onStderr(line, now()),
      onExit: () => this.onExit(now()),
    };
  }

  /** Reads one ffmpeg stderr line; true when it was the segment muxer's (kept out of the log tail). */
  onStderr(line: string, nowMs: number): boolean {
    const failed = SLAVE_FAILED.exec(line);
    if (failed) {
      this.onFailed(failed[1]!);
      return true;
    }
    const m = OPENING.exec(line);
    if (!m) {
      // The input's codec: the outputs' banners (rawvideo frames, this copy) follow it.
      this.sourceCodec = this.banner.read(line)?.codec ?? this.sourceCodec;
      return false;
    }
    if (this.closeOpen(nowMs)) this.events?.wrote();
    this.segments.push({ file: m[1]!, startMs: nowMs, endMs: undefined });
    this.prune(nowMs);
    return true;
  }

  /** ffmpeg has exited: its last segment is complete. */
  onExit(nowMs: number): void {
    this.running = false;
    this.closeOpen(nowMs);
  }

  /** Keeps the segments of [fromMs, toMs] until `release(id)`. */
  hold(id: string, fromMs: number, toMs: number): void {
    this.holds.set(id, { fromMs, toMs });
  }

  release(id: string, nowMs: number): void {
    this.holds.delete(id);
    this.prune(nowMs);
  }

  /** The complete segments on disk that overlap [fromMs, toMs], oldest first. */
  closedBetween(fromMs: number, toMs: number): Segment[] {
    return this.segments.filter(
      // ffmpeg says it opens a file even when it then cannot (a full or missing disk).
      (s) => s.endMs !== undefined && s.endMs > fromMs && s.startMs < toMs && existsSync(s.file),
    );
  }

  /** True once nothing after `toMs` can still be added (a segment covering it has closed). */
  covers(toMs: number): boolean {
    return this.segments.some((s) => s.endMs !== undefined && s.endMs >= toMs);
  }

  /** Whether its segments can become an MP4 a browser plays: H.264 (or HEVC) copied, or encoded. */
  get playable(): boolean {
    return this.codec === 'h264' || PLAYABLE.includes(this.sourceCodec ?? 'h264');
  }

  /** Segments on disk now. */
  get count(): number {
    return this.segments.length;
  }

  /** Closes the segment being written; true when there was one. */
  private closeOpen(nowMs: number): boolean {
    const last = this.segments.at(-1);
    if (!last || last.endMs !== undefined) return false;
    last.endMs = nowMs;
    const bytes = statSync(last.file, { throwIfNoEntry: false })?.size ?? 0;
    this.largestSegmentBytes = Math.max(this.largestSegmentBytes, bytes);
    return true;
  }

  /** The segment being written is cut short and dropped (it also frees its space). */
  private onFailed(reason: string): void {
    this.failure = reason;
    const last = this.segments.at(-1);
    if (last && last.endMs === undefined) {
      this.segments.pop();
      rmSync(last.file, { force: true });
    }
    this.events?.failed(reason);
  }

  private needed(s: Segment, nowMs: number): boolean {
    if (s.endMs === undefined || s.endMs >= nowMs - this.keepMs) return true;
    for (const h of this.holds.values()) if (s.endMs > h.fromMs && s.startMs < h.toMs) return true;
    return false;
  }

  private prune(nowMs: number): void {
    const keep: Segment[] = [];
    for (const s of this.segments) {
      if (this.needed(s, nowMs)) keep.push(s);
      else rmSync(s.file, { force: true });
    }
    this.segments = keep;
  }
}
