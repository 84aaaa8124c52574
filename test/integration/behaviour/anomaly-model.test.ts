import { AnomalyModel } from '../../../services/behaviour/anomaly-model';
import type { PoseTracks } from '../../../services/behaviour/pose-tracks';
import { selectTfjsBackend } from '../../../services/pose/engines/tfjs-backends';
import { captureLogger } from '../../helpers/logger';
import { tempDir } from '../../helpers/media';
import { body } from '../../helpers/poses';

type Kp = [number, number, number];

/** A clip of one person; `wrist(t)` places the right wrist (or leaves it swinging). */
function clip(
  name: string,
  frames: number,
  fps: number,
  walk: number,
  wrist?: (t: number) => [number, number],
): PoseTracks {
  const keypoints: Kp[][] = [];
  for (let f = 0; f < frames; f++) {
    const t = f / fps;
    const x = 200 + walk * t;
    const swing: [number, number] = [
      x + 28 + 8 * Math.sin(t * 6),
      400 - 1.9 * 50 + 15 + 6 * Math.cos(t * 6),
    ];
    const p = body(1, {
      x,
      y: 400,
      torso: 50,
      rightWrist: wrist ? wrist(t) : swing,
      leftWrist: [x - 28 - 8 * Math.sin(t * 6), 400 - 1.9 * 50 + 15],
    });
    keypoints.push(p.keypoints.map((k) => [k.x + Math.sin(f * 1.7 + k.y) * 0.5, k.y, k.score]));
  }
  return {
    format: 'pose-tracks/v1',
    clip: name,
    fps,
    frameCount: frames + 5,
    keypoints: 'coco17',
    tracks: [{ id: '1', frames: keypoints.map((_, i) => i), keypoints }],
  };
}

describe('pose anomaly model (tfjs-layers on the wasm backend)', () => {
  beforeAll(async () => {
    await selectTfjsBackend('wasm', captureLogger().log);
  });

  test('learns normal walking, scores a hand-to-pocket movement higher, survives save and load', async () => {
    const normal = [0, 1, 2, 3, 4, 5].map((i) => clip(`walk${i}`, 90, 15, 20 + 5 * i));
    const model = await AnomalyModel.train(normal, {
      window: 12,
      epochs: 30,
      seed: 3,
      batchSize: 64,
    });
    const odd = clip('pocket', 90, 15, 0, (t) =>
      Math.floor(t) % 2 ? [200 + 12, 400 - 95 + 3] : [200 + 70, 400 - 170],
    );
    const normalScores = model.scoreClip(clip('walk-test', 90, 15, 27));
    const oddScores = model.scoreClip(odd);
    const mean = (a: Float32Array) => a.slice(0, 90).reduce((s, v) => s + v, 0) / 90;
    expect(mean(oddScores)).toBeGreaterThan(2 * mean(normalScores));
    // Frames after the person left score the lowest possible value.
    expect([...oddScores.slice(90)]).toEqual([0, 0, 0, 0, 0]);
    const dir = tempDir('vigil-ae-');
    await model.save(dir);
    const again = await AnomalyModel.load(dir);
    expect(Array.from(again.scoreClip(odd))).toEqual(Array.from(oddScores));
    expect(again.meta).toMatchObject({
      format: 'vigil-pose-ae/v1',
      window: 12,
      trained: { clips: 6, seed: 3 },
    });
  }, 120_000);

  test('training is reproducible with the same seed', async () => {
    const normal = [0, 1, 2].map((i) => clip(`walk${i}`, 60, 15, 20 + 5 * i));
    const a = await AnomalyModel.train(normal, { window: 8, epochs: 5, seed: 11, batchSize: 32 });
    const b = await AnomalyModel.train(normal, { window: 8, epochs: 5, seed: 11, batchSize: 32 });
    expect(a.meta.trained.finalLoss).toBe(b.meta.trained.finalLoss);
  }, 60_000);

  test('a missing model folder is a clear error', async () => {
    await expect(AnomalyModel.load(tempDir())).rejects.toMatchObject({
      code: 'VIGIL_ERR_MODEL_MISSING',
    });
  });
});
