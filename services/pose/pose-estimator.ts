import { VigilError } from '../core/errors';
import type { Detection } from '../core/types';

/** A rectangle in image pixels. */
export interface Region {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** An RGB image handed to an estimator: packed rgb24, width * height * 3 bytes. */
export interface RgbImage {
  width: number;
  height: number;
  rgb: Uint8Array;
}

/** How a shared model orders and cuts a request (a worker pool; others ignore what they need not). */
export interface EstimateOptions {
  /**
   * Lower runs first when requests wait for a free model: the camera's last model run (ms), so
   * the camera furthest behind goes next. Equal priorities run in arrival order.
   */
  priority?: number;
  /** Only this rectangle of the image (a tile): cut where it is copied for the model. */
  region?: Region;
}

/**
 * Finds people and their 17 COCO keypoints in an image. Async and free of tf types so it can live
 * on a worker thread or another process. Coordinates are pixels of the image given.
 */
export interface PoseEstimator {
  /** The backend that runs (e.g. `wasm`), for logs and the API. */
  readonly backend: string;
  /**
   * `focus`, when given, lists the image areas worth looking at (motion, tracked people): a tiled
   * estimator skips tiles that touch none of them; an empty list means nothing to look at.
   */
  estimate(
    image: RgbImage,
    focus?: readonly Region[],
    options?: EstimateOptions,
  ): Promise<Detection[]>;
  /**
   * True when the estimator cuts `options.region` itself (a worker pool copies the rectangle
   * straight into a worker's buffer); otherwise a caller crops first. Coordinates of the
   * detections are then pixels of the region.
   */
  readonly cutsRegions?: boolean;
  /**
   * True when a frame handed over now would wait for other frames to finish first (every model
   * instance busy). For status and tests: cameras queue their frames whatever it says (the pool
   * orders them; see worker-pool-estimator.ts).
   */
  saturated?(): boolean;
  dispose(): Promise<void>;
}

/** Refuses an image whose buffer does not hold width x height rgb24 pixels. */
export function assertRgbImage(image: RgbImage): void {
  if (image.rgb.length !== image.width * image.height * 3) {
    throw new VigilError(
      'VIGIL_ERR_FRAME_CORRUPT',
      `image of ${image.rgb.length} bytes is not ${image.width}x${image.height} rgb24`,
    );
  }
}
