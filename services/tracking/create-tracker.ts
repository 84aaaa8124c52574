import type { TrackingConfig } from '../config/schema';
import { ByteTracker } from './byte-tracker';
import type { Tracker } from './tracker';

/**
 * The tracker of one camera, from config (the daemon and offline analysis share it). `firstId`:
 * where its track ids start (a restarted camera continues those of its previous tracker).
 */
export function createTracker(t: TrackingConfig, firstId = 1): Tracker {
  return new ByteTracker({
    highScore: t.highScore,
    matchIou: t.matchIou,
    lowMatchIou: t.lowMatchIou,
    maxLostMs: t.maxLostSeconds * 1000,
    minHits: t.minHits,
    historySize: t.historySize,
    appearanceWeight: t.appearanceWeight,
    appearanceGate: t.appearanceGate,
    reidGate: t.reidGate,
    coastMs: t.coastSeconds * 1000,
    firstId,
  });
}
