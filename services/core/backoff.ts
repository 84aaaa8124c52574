/** Reconnect ladder: 1 s, 2 s, 5 s, 10 s, 30 s, then 60 s; +-20 % jitter so cameras do not sync. */
export const RECONNECT_LADDER_MS = [1000, 2000, 5000, 10_000, 30_000, 60_000] as const;

export class Backoff {
  private attempt = 0;

  constructor(
    private readonly ladder: readonly number[] = RECONNECT_LADDER_MS,
    private readonly random: () => number = Math.random,
  ) {}

  next(): number {
    const base = this.ladder[Math.min(this.attempt, this.ladder.length - 1)]!;
    this.attempt++;
    return Math.round(base * (0.8 + 0.4 * this.random()));
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
