import type { Region } from '../pose/pose-estimator';

export interface MotionOptions {
  /** Grey-level change (0-255) of a cell against the background that counts as motion. */
  threshold: number;
  /** Fraction of cells that must move for the frame to count as moving. */
  minArea: number;
}

export interface MotionResult {
  moving: boolean;
  /** Fraction of cells that moved. */
  fraction: number;
  /** The moving cells, in frame pixels, grown by one cell on each side. */
  regions: Region[];
}

/** Cell size in pixels: 16 px cells on a 768x576 frame give a 48x36 grid. */
const CELL = 16;
/** Pixels sampled per cell side (4x4 = 16 samples per cell): cheap, and averages sensor noise. */
const SAMPLES = 4;
/** Background adaptation per frame: slow enough that a walker is not absorbed, fast enough for light changes. */
const ALPHA = 0.05;

/**
 * A cheap motion detector on a grid of grey cells: each cell's mean grey level (from 16 sampled
 * pixels of the rgb24 frame) is compared with a running-average background. It costs about a
 * thousand reads per frame, no copy of the frame, and no allocation after the first frame.
 */
export class MotionDetector {
  private readonly cols: number;
  private readonly rows: number;
  private readonly grey: Float32Array;
  private background: Float32Array | undefined;

  constructor(
    private readonly width: number,
    private readonly height: number,
    private readonly opts: MotionOptions,
  ) {
    this.cols = Math.max(1, Math.floor(width / CELL));
    this.rows = Math.max(1, Math.floor(height / CELL));
    this.grey = new Float32Array(this.cols * this.rows);
  }

  update(rgb: Uint8Array): MotionResult {
    this.sample(rgb);
    const bg = this.background;
    if (!bg) {
      this.background = Float32Array.from(this.grey);
      // The first frame: everything is new, so look everywhere.
      return {
        moving: true,
        fraction: 1,
        regions: [{ x: 0, y: 0, w: this.width, h: this.height }],
      };
    }
    const regions: Region[] = [];
    let moved = 0;
    for (let i = 0; i < this.grey.length; i++) {
      const g = this.grey[i]!;
      if (Math.abs(g - bg[i]!) >= this.opts.threshold) {
        moved++;
        const cx = i % this.cols;
        const cy = Math.floor(i / this.cols);
        regions.push({ x: (cx - 1) * CELL, y: (cy - 1) * CELL, w: 3 * CELL, h: 3 * CELL });
      }
      bg[i] = bg[i]! + ALPHA * (g - bg[i]!);
    }
    const fraction = moved / this.grey.length;
    return { moving: moved > 0 && fraction >= this.opts.minArea, fraction, regions };
  }

  private sample(rgb: Uint8Array): void {
    const step = CELL / SAMPLES;
    const rowBytes = this.width * 3;
    for (let cy = 0; cy < this.rows; cy++) {
      for (let cx = 0; cx < this.cols; cx++) {
        let sum = 0;
        for (let sy = 0; sy < SAMPLES; sy++) {
          const row = (cy * CELL + sy * step + step / 2) * rowBytes;
          for (let sx = 0; sx < SAMPLES; sx++) {
            const p = row + (cx * CELL + sx * step + step / 2) * 3;
            // Integer luma (BT.601): 77 R + 150 G + 29 B, / 256.
            sum += (77 * rgb[p]! + 150 * rgb[p + 1]! + 29 * rgb[p + 2]!) >> 8;
          }
        }
        this.grey[cy * this.cols + cx] = sum / (SAMPLES * SAMPLES);
      }
    }
  }
}
