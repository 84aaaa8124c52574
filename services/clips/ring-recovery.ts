import { accessSync, constants, mkdirSync, statfsSync } from 'node:fs';
import { Backoff } from '../core/backoff';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';

/** How often a clip ring that could not be written is tried again. */
export const RING_RETRY_LADDER_MS = [1000, 5000, 10_000, 60_000] as const;
/** Free space a ring folder needs before its ffmpeg is restarted: a few segments at least. */
const MIN_FREE_BYTES = 512 * 1024;

/** What the ring tells its watcher: its ffmpeg output failed, or a segment was written whole. */
export interface RingEvents {
  failed(reason: string): void;
  wrote(): void;
}

/** True when `dir` exists (or can be made), is writable and has `needBytes` free. */
export function ringWritable(dir: string, needBytes: number): { ok: boolean; why?: string } {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    const fs = statfsSync(dir);
    const free = fs.bavail * fs.bsize;
    return free >= needBytes ? { ok: true } : { ok: false, why: `${free} bytes free` };
  } catch (err) {
    return { ok: false, why: errorMessage(err) };
  }
}

export interface RingRecoveryDeps {
  dir: string;
  /** Bytes the ring needs free (a few of its largest segments; 512 KB at least). */
  needBytes: () => number;
  /** Restarts the camera's ffmpeg so that its ring output opens again. */
  restart: () => void;
  log: Logger;
  ladder?: readonly number[];
  writable?: typeof ringWritable;
}

/**
 * Brings a camera's clip ring back after its ffmpeg output failed (a full disk, a folder gone):
 * ffmpeg's tee drops a failed output for the rest of the run, so once the folder can be written
 * again (tried on a backoff ladder), the camera's ffmpeg is restarted. One warning when the ring
 * stops, one line when it writes again; nothing per retry.
 */
export class RingRecovery implements RingEvents {
  state: 'writing' | 'failed' | 'restarted' = 'writing';
  private timer: NodeJS.Timeout | undefined;
  private readonly backoff: Backoff;
  private readonly writable: typeof ringWritable;

  constructor(private readonly deps: RingRecoveryDeps) {
    this.backoff = new Backoff(deps.ladder ?? RING_RETRY_LADDER_MS);
    this.writable = deps.writable ?? ringWritable;
  }

  failed(reason: string): void {
    if (this.state === 'writing')
      this.deps.log.warn(
        { code: 'VIGIL_ERR_CLIP_RING_FAILED', dir: this.deps.dir, err: reason },
        'clip ring stopped writing; no event clips until it can write again (retried)',
      );
    this.state = 'failed';
    this.schedule();
  }

  wrote(): void {
    if (this.state === 'writing') return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.state = 'writing';
    this.backoff.reset();
    this.deps.log.info({ dir: this.deps.dir }, 'clip ring writing again');
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.retry(), this.backoff.next());
  }

  private retry(): void {
    this.timer = undefined;
    if (this.state !== 'failed') return;
    const need = Math.max(MIN_FREE_BYTES, this.deps.needBytes());
    const check = this.writable(this.deps.dir, need);
    if (!check.ok) {
      this.deps.log.debug({ dir: this.deps.dir, why: check.why }, 'clip ring still not writable');
      this.schedule();
      return;
    }
    this.state = 'restarted';
    this.deps.restart();
    // Should the restarted run fail too, `failed` comes again and the ladder goes on.
  }
}
