import { VigilError, errorMessage } from '../core/errors';
import type { Detection, Keypoint } from '../core/types';
import { assertRgbImage } from './pose-estimator';
import type { PoseEstimator, RgbImage } from './pose-estimator';
import type { PoseEngine } from './engines/pose-engine';
import { letterboxInput } from './movenet-input';
import type { Letterbox } from './movenet-input';

const KEYPOINTS = 17;
const STRIDE = 56;
const MAX_PEOPLE = 6;

export interface MoveNetOptions {
  inputWidth: number;
  inputHeight: number;
  minPersonScore: number;
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

/**
 * MoveNet MultiPose Lightning on any engine: the shared letterbox in, the shared decoding out.
 * One frame at a time per instance (the input buffer is reused).
 */
export class MoveNetEstimator implements PoseEstimator {
  private running = 0;
  private readonly input: Int32Array<ArrayBuffer>;

  constructor(
    private readonly engine: PoseEngine,
    private readonly opts: MoveNetOptions,
  ) {
    this.input = new Int32Array(opts.inputWidth * opts.inputHeight * 3);
  }

  get backend(): string {
    return this.engine.backend;
  }

  saturated(): boolean {
    return this.running > 0;
  }

  async estimate(image: RgbImage): Promise<Detection[]> {
    assertRgbImage(image);
    const { inputWidth: inW, inputHeight: inH, minPersonScore } = this.opts;
    this.running++;
    try {
      const { input, box } = letterboxInput(image, inW, inH, this.input);
      const out = await this.engine.run(input);
      return decodeMultiPose(out, inW, inH, box, minPersonScore);
    } catch (err) {
      if (err instanceof VigilError) throw err;
      throw new VigilError(
        'VIGIL_ERR_INFERENCE_FAILED',
        `pose model run failed: ${errorMessage(err)}`,
        {
          cause: err,
        },
      );
    } finally {
      this.running--;
    }
  }

  dispose(): Promise<void> {
    return this.engine.dispose();
  }
}
