/** Events per second over a sliding window, from injected timestamps. */
export class RateMeter {
  private readonly stamps: number[] = [];
  count = 0;

  constructor(private readonly windowMs = 10_000) {}

  mark(nowMs: number): void {
    this.count++;
    this.stamps.push(nowMs);
    this.trim(nowMs);
  }

  rate(nowMs: number): number {
    this.trim(nowMs);
    if (this.stamps.length < 2) return 0;
    const span = Math.max(nowMs - this.stamps[0]!, 1);
    return Math.round(((this.stamps.length - 1) * 1000 * 100) / span) / 100;
  }

  private trim(nowMs: number): void {
    while (this.stamps.length > 0 && nowMs - this.stamps[0]! > this.windowMs) this.stamps.shift();
  }
}
