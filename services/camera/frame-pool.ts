/**
 * Frame buffers of one camera, used again: a frame nobody kept (the motion gate skipped it, or
 * the frame slot dropped it) comes back here and the next frame is assembled into it. An idle
 * camera then makes no garbage: no 1.3 MB buffer a frame for the garbage collector, no fresh
 * pages for the kernel to zero. Frames that were analysed are never returned (the live view, a
 * snapshot or a queued model run may still read them); the collector takes those.
 */
export class FramePool {
  private readonly free: Buffer[] = [];
  /** Buffers handed out again instead of allocated. */
  reused = 0;

  constructor(
    readonly frameBytes: number,
    private readonly keep = 4,
  ) {}

  take(): Buffer {
    const b = this.free.pop();
    if (!b) return Buffer.allocUnsafeSlow(this.frameBytes);
    this.reused++;
    return b;
  }

  /** A frame no one reads any more. Another size, a full pool or a buffer given twice: ignored. */
  give(b: Buffer): void {
    if (b.length !== this.frameBytes || this.free.length >= this.keep || this.free.includes(b))
      return;
    this.free.push(b);
  }
}
