/**
 * Cuts ffmpeg's raw rgb24 byte stream into whole frames. Chunks arrive at arbitrary boundaries;
 * each complete frame is copied once into a buffer of its own.
 */
export class FrameAssembler {
  private current: Buffer;
  private filled = 0;

  constructor(readonly frameBytes: number) {
    if (!Number.isInteger(frameBytes) || frameBytes <= 0)
      throw new RangeError('frameBytes must be > 0');
    this.current = Buffer.allocUnsafe(frameBytes);
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
        this.current = Buffer.allocUnsafe(this.frameBytes);
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
