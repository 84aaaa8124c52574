/**
 * A mailbox of one between a producer and a slower consumer: the newest value wins, an unread
 * value that is replaced counts as dropped. Memory stays bounded whatever the consumer's speed.
 */
export class LatestSlot<T> {
  private value: T | undefined;
  private waiter: ((v: T | undefined) => void) | undefined;
  private closed = false;
  dropped = 0;

  put(v: T): void {
    if (this.closed) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(v);
      return;
    }
    if (this.value !== undefined) this.dropped++;
    this.value = v;
  }

  /** Resolves with the newest value, or undefined once closed. */
  take(): Promise<T | undefined> {
    if (this.value !== undefined) {
      const v = this.value;
      this.value = undefined;
      return Promise.resolve(v);
    }
    if (this.closed) return Promise.resolve(undefined);
    if (this.waiter) throw new Error('LatestSlot supports a single consumer');
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  close(): void {
    this.closed = true;
    this.value = undefined;
    const w = this.waiter;
    this.waiter = undefined;
    w?.(undefined);
  }
}
