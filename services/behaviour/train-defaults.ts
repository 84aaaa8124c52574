import type { TrainOptions } from './anomaly-model';

/** Training settings used by the CLI, the benchmark and the daemon's on-site training. */
export const TRAIN_DEFAULTS: Omit<TrainOptions, 'onEpoch'> = {
  window: 12,
  epochs: 25,
  seed: 7,
  batchSize: 256,
};

/**
 * The pose z-score's settings (seconds), chosen by leave-one-camera-out on PoseLift: the best
 * mean over the three held-out dev cameras (npm run bench:behaviour prints the table).
 */
export const Z_DEFAULTS = { windowSeconds: 2, smoothSeconds: 2 };

/** A one-line progress bar for terminals and logs. */
export function progressBar(done: number, total: number, extra = ''): string {
  const width = 30;
  const filled = Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${extra}`;
}
