import { FramePool } from './frame-pool';

/**
 * Cuts ffmpeg's raw rgb24 byte stream into whole frames. Chunks arrive at arbitrary boundaries;
 * each complete frame is copied once into a buffer of its own, taken from the camera's frame
 * pool (the buffer of a frame nobody reads any more) when it has one.
 */
export class FrameAssembler {
  private current: Buffer;
  private filled = 0;
  private readonly pool: FramePool;

  constructor(
    readonly frameBytes: number,
    pool?: FramePool,
  ) {
    if (!Number.isInteger(frameBytes) || frameBytes <= 0)
      throw new RangeError('frameBytes must be > 0');
    this.pool = pool?.frameBytes === frameBytes ? pool : new FramePool(frameBytes, 0);
    this.current = this.pool.take();
  }

  /** Returns the frames completed by this chunk (usually zero or one). */
  push(chunk: Buffer): Buffer[] {
    const done: Buffer[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(this.frameBytes - this.filled, chunk.length - offset);
      chunk.copy(this.current, this.filled, offset, offset + n);
      this.filled += n;
      offset += n;
      if (this.filled === this.frameBytes) {
        done.push(this.current);
        this.current = this.pool.take();
        this.filled = 0;
      }
    }
    return done;
  }

  /** Bytes of an incomplete frame held back (non-zero at exit means a truncated last frame). */
  get pendingBytes(): number {
    return this.filled;
  }
}
