import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { VigilError } from '../core/errors';
import type { Detection, Keypoint } from '../core/types';
import { assertRgbImage } from './pose-estimator';
import type { PoseEstimator, RgbImage } from './pose-estimator';
import type { VerifiedModelFiles } from './model-files';
import { graphModelFromFiles } from './graph-model';

const KEYPOINTS = 17;
const STRIDE = 56;
const MAX_PEOPLE = 6;

export interface MoveNetOptions {
  inputWidth: number;
  inputHeight: number;
  minPersonScore: number;
}

/** Letterbox geometry: the image is scaled by `scale` into the top-left of the model input. */
export interface Letterbox {
  scale: number;
  width: number;
  height: number;
}

export function letterbox(
  img: { width: number; height: number },
  inW: number,
  inH: number,
): Letterbox {
  const scale = Math.min(inW / img.width, inH / img.height);
  return {
    scale,
    width: Math.max(1, Math.round(img.width * scale)),
    height: Math.max(1, Math.round(img.height * scale)),
  };
}

/**
 * Decodes MoveNet MultiPose output ([6, 56] rows: 17 x (y, x, score) then ymin, xmin, ymax, xmax,
 * score, all normalised to the model input) into detections in image pixels.
 */
export function decodeMultiPose(
  out: Float32Array,
  inW: number,
  inH: number,
  lb: Letterbox,
  minScore: number,
): Detection[] {
  const people: Detection[] = [];
  for (let p = 0; p < MAX_PEOPLE && (p + 1) * STRIDE <= out.length; p++) {
    const row = out.subarray(p * STRIDE, (p + 1) * STRIDE);
    const score = row[KEYPOINTS * 3 + 4]!;
    if (score < minScore) continue;
    const toX = (v: number) => (v * inW) / lb.scale;
    const toY = (v: number) => (v * inH) / lb.scale;
    const keypoints: Keypoint[] = [];
    for (let k = 0; k < KEYPOINTS; k++) {
      keypoints.push({ y: toY(row[k * 3]!), x: toX(row[k * 3 + 1]!), score: row[k * 3 + 2]! });
    }
    const y0 = toY(row[51]!);
    const x0 = toX(row[52]!);
    const y1 = toY(row[53]!);
    const x1 = toX(row[54]!);
    people.push({
      box: { x: x0, y: y0, w: Math.max(0, x1 - x0), h: Math.max(0, y1 - y0) },
      score,
      keypoints,
    });
  }
  return people;
}

/** MoveNet MultiPose Lightning on whatever tfjs backend is active. */
export class MoveNetEstimator implements PoseEstimator {
  private running = 0;

  private constructor(
    private readonly model: GraphModel,
    readonly backend: string,
    private readonly opts: MoveNetOptions,
  ) {}

  static async load(
    files: VerifiedModelFiles,
    graphName: string,
    backend: string,
    opts: MoveNetOptions,
  ): Promise<MoveNetEstimator> {
    if (!files.contents.has(graphName))
      throw new VigilError('VIGIL_ERR_MODEL_MISSING', `graph file ${graphName} not in manifest`);
    try {
      const model = await graphModelFromFiles(files.contents, graphName);
      const est = new MoveNetEstimator(model, backend, opts);
      await est.estimate({
        width: opts.inputWidth,
        height: opts.inputHeight,
        rgb: new Uint8Array(opts.inputWidth * opts.inputHeight * 3),
      });
      return est;
    } catch (err) {
      if (err instanceof VigilError) throw err;
      throw new VigilError(
        'VIGIL_ERR_MODEL_LOAD',
        `cannot load ${graphName}: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  saturated(): boolean {
    return this.running > 0;
  }

  async estimate(image: RgbImage): Promise<Detection[]> {
    this.running++;
    try {
      return await this.run(image);
    } finally {
      this.running--;
    }
  }

  private async run(image: RgbImage): Promise<Detection[]> {
    const { inputWidth: inW, inputHeight: inH, minPersonScore } = this.opts;
    assertRgbImage(image);
    const lb = letterbox(image, inW, inH);
    const output = tf.tidy(() => {
      let t: tf.Tensor3D = tf.tensor3d(image.rgb, [image.height, image.width, 3], 'int32');
      if (lb.width !== image.width || lb.height !== image.height) {
        t = tf.cast(tf.round(tf.image.resizeBilinear(t, [lb.height, lb.width])), 'int32');
      }
      if (lb.width !== inW || lb.height !== inH) {
        t = tf.pad(t, [
          [0, inH - lb.height],
          [0, inW - lb.width],
          [0, 0],
        ]);
      }
      return this.model.execute(tf.expandDims(t, 0)) as tf.Tensor;
    });
    try {
      const data = (await output.data()) as Float32Array;
      return decodeMultiPose(data, inW, inH, lb, minPersonScore);
    } finally {
      output.dispose();
    }
  }

  async dispose(): Promise<void> {
    this.model.dispose();
  }
}
