/**
 * A mailbox between a producer and a slower consumer that holds the newest `capacity` values:
 * when it is full, the oldest unread value is replaced and counted as dropped. Values are taken
 * oldest first. Memory stays bounded whatever the consumer's speed. With a capacity of 1 (the
 * default) the newest value wins.
 */
export class LatestSlot<T> {
  private readonly values: T[] = [];
  private waiter: ((v: T | undefined) => void) | undefined;
  private closed = false;
  dropped = 0;

  /** `onDrop`: receives each value replaced unread (its buffer can be used again). */
  constructor(
    private readonly capacity = 1,
    private readonly onDrop?: (v: T) => void,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be >= 1');
  }

  /** Values waiting behind the one last taken (0: that one was the newest). */
  get pending(): number {
    return this.values.length;
  }

  put(v: T): void {
    if (this.closed) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(v);
      return;
    }
    if (this.values.length >= this.capacity) {
      const old = this.values.shift() as T;
      this.dropped++;
      this.onDrop?.(old);
    }
    this.values.push(v);
  }

  /** Resolves with the oldest value held, or undefined once closed. */
  take(): Promise<T | undefined> {
    if (this.values.length > 0) return Promise.resolve(this.values.shift());
    if (this.closed) return Promise.resolve(undefined);
    if (this.waiter) throw new Error('LatestSlot supports a single consumer');
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  close(): void {
    this.closed = true;
    this.values.length = 0;
    const w = this.waiter;
    this.waiter = undefined;
    w?.(undefined);
  }
}
