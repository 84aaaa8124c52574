import { AnomalyModel } from '../../../services/behaviour/anomaly-model';
import { selectTfjsBackend } from '../../../services/pose/engines/tfjs-backends';
import { captureLogger } from '../../helpers/logger';
import { tempDir } from '../../helpers/media';
import { clip } from '../../helpers/pose-clips';

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
