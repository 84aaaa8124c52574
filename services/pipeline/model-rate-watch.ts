/** How long the model rate may stay under its floor before the camera is `degraded`. */
export const DEGRADED_AFTER_MS = 5000;

/**
 * Overload as a state: a camera whose frames need the model but get it less often than they
 * should (`wantedFps`: inference.minModelFps, or the analysis rate when that is lower) for more
 * than DEGRADED_AFTER_MS is degraded; it recovers as soon as the rate is back. A camera whose
 * frames need no model (nothing moves, nobody tracked) is never degraded.
 */
export class ModelRateWatch {
  private belowSinceMs: number | undefined;
  degraded = false;

  constructor(private readonly afterMs = DEGRADED_AFTER_MS) {}

  /** Returns 'entered' or 'left' when the state changes, else undefined. */
  update(
    nowMs: number,
    modelFps: number,
    wantedFps: number,
    needsModel: boolean,
  ): 'entered' | 'left' | undefined {
    const under = needsModel && modelFps < wantedFps * 0.9;
    if (!under) {
      this.belowSinceMs = undefined;
      if (!this.degraded) return undefined;
      this.degraded = false;
      return 'left';
    }
    this.belowSinceMs ??= nowMs;
    if (this.degraded || nowMs - this.belowSinceMs <= this.afterMs) return undefined;
    this.degraded = true;
    return 'entered';
  }
}
