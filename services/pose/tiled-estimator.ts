import type { Detection } from '../core/types';
import { assertRgbImage } from './pose-estimator';
import type { EstimateOptions, PoseEstimator, Region, RgbImage } from './pose-estimator';
import { mergeDetections } from './merge-detections';
import { cropRgb } from './regions';

export type DetectionStrategy = 'full' | 'tiles' | 'full+tiles';

export interface TileOptions {
  cols: number;
  rows: number;
  /** Extra width and height of each tile, as a fraction of the tile, so people on a seam are whole in one. */
  overlap: number;
}

export type { Region };

const touches = (a: Region, b: Region) =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** Tiles covering the image: cols x rows, each enlarged by `overlap`, spread edge to edge. */
export function tileRegions(width: number, height: number, t: TileOptions): Region[] {
  const tw = Math.min(width, Math.round((width / t.cols) * (1 + t.overlap)));
  const th = Math.min(height, Math.round((height / t.rows) * (1 + t.overlap)));
  const regions: Region[] = [];
  for (let r = 0; r < t.rows; r++) {
    for (let c = 0; c < t.cols; c++) {
      const x = t.cols === 1 ? 0 : Math.round((c * (width - tw)) / (t.cols - 1));
      const y = t.rows === 1 ? 0 : Math.round((r * (height - th)) / (t.rows - 1));
      regions.push({ x, y, w: tw, h: th });
    }
  }
  return regions;
}

function shift(d: Detection, dx: number, dy: number): Detection {
  return {
    ...d,
    box: { ...d.box, x: d.box.x + dx, y: d.box.y + dy },
    keypoints: d.keypoints.map((k) => ({ ...k, x: k.x + dx, y: k.y + dy })),
  };
}

/**
 * Runs the model where small people become large enough to be found: on overlapping tiles of
 * the frame (each letterboxed into the model input at full resolution), optionally on the whole
 * frame too, and merges the boxes. People far from the camera are 40-60 px tall in a 768x576
 * frame: squeezed whole into 384x288 they halve again, in a 2x2 tile they keep their size.
 */
export class TiledPoseEstimator implements PoseEstimator {
  /**
   * `parallel`: hand all tiles of a frame to the base estimator at once. Right for a worker pool
   * (one camera's tiles then run on all cores); the in-process model runs them one by one.
   */
  constructor(
    private readonly base: PoseEstimator,
    private readonly strategy: DetectionStrategy,
    private readonly tiles: TileOptions,
    private readonly parallel = false,
  ) {}

  get backend(): string {
    return this.base.backend;
  }

  saturated(): boolean {
    return this.base.saturated?.() ?? false;
  }

  /**
   * Tiles that touch no `focus` region are skipped (no motion, nobody tracked there). A base that
   * cuts regions itself (the worker pool) gets the tile's rectangle, not a cropped copy.
   */
  async estimate(
    image: RgbImage,
    focus?: readonly Region[],
    options: EstimateOptions = {},
  ): Promise<Detection[]> {
    assertRgbImage(image);
    if (focus && focus.length === 0) return [];
    const { priority } = options;
    if (this.strategy === 'full') return this.base.estimate(image, undefined, { priority });
    const tiles: (Region | undefined)[] = [];
    if (this.strategy === 'full+tiles') tiles.push(undefined);
    for (const r of tileRegions(image.width, image.height, this.tiles))
      if (!focus || focus.some((f) => touches(f, r))) tiles.push(r);
    const run = async (r: Region | undefined) => {
      const dets = !r
        ? await this.base.estimate(image, undefined, { priority })
        : this.base.cutsRegions
          ? await this.base.estimate(image, undefined, { priority, region: r })
          : await this.base.estimate(cropRgb(image, r), undefined, { priority });
      return r ? dets.map((d) => shift(d, r.x, r.y)) : dets;
    };
    const found: Detection[][] = [];
    if (this.parallel) found.push(...(await Promise.all(tiles.map(run))));
    else for (const r of tiles) found.push(await run(r));
    return mergeDetections(found.flat());
  }

  dispose(): Promise<void> {
    return this.base.dispose();
  }
}
