import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { CameraConfig, Config } from '../config/schema';
import type { Clock } from '../core/clock';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { FfmpegBinary } from '../camera/ffmpeg-binary';
import type { AlertPayload, ClipRef } from '../alerts/payload-schemas';
import { writeClip } from './clip-writer';
import { SEGMENT_SECONDS, SegmentRing } from './segment-ring';

const POLL_MS = 500;
/** How long past a clip's end a camera may take to close the segment that covers it. */
const CLOSE_GRACE_MS = 3 * SEGMENT_SECONDS * 1000 + 10_000;

export interface ClipWindow {
  fromMs: number;
  toMs: number;
}

/**
 * The part of an incident a clip shows: from `preRoll` before the start to `postRoll` after the
 * end; when that is longer than `maxSeconds`, the `maxSeconds` around the moment the alert fired
 * (what the clerk was told about), never before the pre-roll.
 */
export function clipWindow(
  startedAtMs: number,
  firedAtMs: number,
  endMs: number,
  o: { preRollSeconds: number; postRollSeconds: number; maxSeconds: number },
): ClipWindow {
  const maxMs = o.maxSeconds * 1000;
  let fromMs = startedAtMs - o.preRollSeconds * 1000;
  let toMs = Math.max(endMs, firedAtMs) + o.postRollSeconds * 1000;
  if (toMs - fromMs > maxMs) {
    fromMs = Math.max(fromMs, firedAtMs - maxMs / 2);
    toMs = Math.min(toMs, fromMs + maxMs);
  }
  return { fromMs, toMs };
}

/** The public address of an incident's clip (viewer role). */
export const clipUrl = (alertId: string) => `/api/alerts/${alertId}/clip`;

/**
 * Event clips: one segment ring per camera (fed by its analysis ffmpeg), held from an incident's
 * start; at its end the incident's window is joined into `clips/<camera>/<day>/<id>.mp4` and the
 * `end` message carries it. A clip that cannot be made is logged and the `end` goes without it.
 */
export class ClipService {
  private readonly rings = new Map<string, SegmentRing>();
  private readonly fired = new Map<string, number>();
  private readonly warned = new Set<string>();

  constructor(
    private config: Config,
    private readonly ffmpeg: () => FfmpegBinary | undefined,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  setConfig(config: Config): void {
    this.config = config;
  }

  private get root(): string {
    return path.join(this.config.dataDir, 'clips');
  }

  /** The camera's ring (made once, kept across its restarts); undefined when its clips are off. */
  ringFor(cam: CameraConfig): SegmentRing | undefined {
    if (!cam.clips.enabled) {
      this.rings.delete(cam.id); // turned off live: its incidents no longer wait for a clip
      return undefined;
    }
    let ring = this.rings.get(cam.id);
    if (!ring) {
      const a = this.config.alerts;
      const keepMs = (a.clipPreRollSeconds + a.clipMaxSeconds / 2 + 2 * SEGMENT_SECONDS) * 1000;
      const dir = a.clipRingDir
        ? path.join(a.clipRingDir, cam.id)
        : path.join(this.root, cam.id, 'ring');
      ring = new SegmentRing(dir, keepMs);
      this.rings.set(cam.id, ring);
    }
    return ring;
  }

  /** True when `end` of this alert should wait for its clip. */
  records(alert: AlertPayload): boolean {
    return this.rings.has(alert.camera) && this.fired.has(alert.id);
  }

  /** A `start`: its window's segments are kept from now on. */
  onStart(alert: AlertPayload): void {
    const ring = this.rings.get(alert.camera);
    if (!ring) return;
    if (!ring.playable) {
      if (!this.warned.has(alert.camera))
        this.log.warn(
          { code: 'VIGIL_ERR_CLIP_FAILED', camera: alert.camera, codec: ring.sourceCodec },
          'no event clips: this stream is not H.264 and clips.codec is copy (set it to h264)',
        );
      this.warned.add(alert.camera);
      return;
    }
    const fired = Date.parse(alert.at);
    this.fired.set(alert.id, fired);
    const w = this.window(alert, fired, fired + this.config.alerts.clipMaxSeconds * 1000);
    ring.hold(alert.id, w.fromMs, w.toMs);
  }

  /**
   * An `end`: waits for the post-roll to be recorded, writes the clip, and gives its reference
   * (null when there is none). Never rejects.
   */
  async finish(end: AlertPayload): Promise<ClipRef | null> {
    const ring = this.rings.get(end.camera);
    const fired = this.fired.get(end.id);
    this.fired.delete(end.id);
    if (!ring || fired === undefined) return null;
    const w = this.window(end, fired, Date.parse(end.at));
    try {
      await this.waitFor(ring, w.toMs);
      const day = new Date(fired).toISOString().slice(0, 10);
      const rel = path.join('clips', end.camera, day, `${end.id}.mp4`);
      const segments = ring.closedBetween(w.fromMs, w.toMs);
      const clip = await writeClip(this.binary(), segments, path.join(this.config.dataDir, rel));
      this.log.info(
        { alertId: end.id, clip: rel, bytes: clip.bytes, seconds: clip.durationSeconds },
        'event clip written',
      );
      return {
        path: rel,
        url: clipUrl(end.id),
        startedAt: new Date(segments[0]!.startMs).toISOString(),
        durationSeconds: Math.round(clip.durationSeconds * 10) / 10,
        bytes: clip.bytes,
      };
    } catch (err) {
      this.log.warn(
        { code: 'VIGIL_ERR_CLIP_FAILED', err: errorMessage(err), alertId: end.id },
        'event clip not made; the end is sent without it',
      );
      return null;
    } finally {
      ring.release(end.id, this.clock.now());
    }
  }

  /** The file of an incident's clip, or undefined (ids are checked by the caller's schema). */
  async find(alertId: string): Promise<string | undefined> {
    const name = `${alertId}.mp4`;
    for (const cam of await dirs(this.root))
      for (const day of await dirs(path.join(this.root, cam))) {
        if (day === 'ring') continue;
        const files = await readdir(path.join(this.root, cam, day)).catch(() => [] as string[]);
        if (files.includes(name)) return path.join(this.root, cam, day, name);
      }
    return undefined;
  }

  private window(a: AlertPayload, firedMs: number, endMs: number): ClipWindow {
    const c = this.config.alerts;
    return clipWindow(Date.parse(a.startedAt), firedMs, endMs, {
      preRollSeconds: c.clipPreRollSeconds,
      postRollSeconds: c.clipPostRollSeconds,
      maxSeconds: c.clipMaxSeconds,
    });
  }

  private binary(): FfmpegBinary {
    const b = this.ffmpeg();
    if (!b) throw new Error('ffmpeg not resolved yet');
    return b;
  }

  /** Until a closed segment reaches `toMs`, the camera's ffmpeg has stopped, or a grace time. */
  private async waitFor(ring: SegmentRing, toMs: number): Promise<void> {
    while (!ring.covers(toMs) && ring.running && this.clock.now() < toMs + CLOSE_GRACE_MS)
      await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function dirs(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
