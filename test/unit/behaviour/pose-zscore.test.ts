import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { learnCueNorms } from '../../../services/behaviour/cue-norms';
import { loadPoseScorer } from '../../../services/behaviour/pose-scorer';
import { PoseZModel, cameraOf, smoothScores } from '../../../services/behaviour/pose-zscore';
import { tempDir } from '../../helpers/media';
import { clip } from '../../helpers/pose-clips';

const POCKET = (t: number): [number, number] => [200 + 12, 400 - 1.9 * 50 + 5 + 0 * t];
const max = (s: Float32Array) => s.reduce((m, v) => Math.max(m, v), 0);
const SETTINGS = { windowSeconds: 1, smoothSeconds: 0 };

describe('pose z-score, per camera', () => {
  // Camera a: people walk briskly; camera b: they stroll. Each camera's normal is its own.
  const train = [
    ...[0, 1, 2, 3].map((i) => clip(`store-a_000${i}`, 90, 15, 60 + 5 * i)),
    ...[0, 1, 2, 3].map((i) => clip(`store-b_000${i}`, 90, 15, 15 + 2 * i)),
  ];
  const model = PoseZModel.train(train, SETTINGS);

  test("a clip's camera: its camera field, else its name; else the site", () => {
    expect(cameraOf({ clip: 'poselift-02_0216' })).toBe('02');
    expect(cameraOf({ clip: 'store-a_0003' })).toBe('a');
    expect(cameraOf({ clip: 'whatever', camera: 'till-2' })).toBe('till-2');
    expect(cameraOf({ clip: 'square-2026-12-01T10-00-00-000Z' })).toBe('site');
    expect(Object.keys(model.meta.cameras)).toEqual(['a', 'b']);
    expect(model.statsFor('zz')).toBe(model.meta.site);
  });

  test('normal walking scores low on its own camera; a hand held at the pocket scores higher; each camera is judged by its own normal', () => {
    const walkA = clip('store-a_0100', 90, 15, 62);
    const pocketA = clip('store-a_0101', 90, 15, 0, POCKET);
    expect(max(model.scoreClip(walkA))).toBeLessThan(max(model.scoreClip(pocketA)));
    // A brisk walk is normal on camera a and unusual on camera b (where people stroll).
    const brisk = clip('x', 90, 15, 62);
    expect(max(model.scoreClip(brisk, 'a'))).toBeLessThan(max(model.scoreClip(brisk, 'b')));
    // Nobody in a frame: 0.
    expect(model.scoreClip(brisk, 'a').at(-1)).toBe(0);
  });

  test('smoothing averages over ±k frames; training is deterministic; a saved model loads as the same scorer', async () => {
    expect(Array.from(smoothScores(new Float32Array([0, 0, 3, 0, 0]), 1))).toEqual([0, 1, 1, 1, 0]);
    expect(PoseZModel.train(train, SETTINGS).meta).toEqual(model.meta);
    const dir = tempDir('vigil-posez-');
    model.save(dir);
    const loaded = await loadPoseScorer(dir);
    expect(loaded.kind).toBe('pose-z');
    const c = clip('store-b_0200', 60, 15, 0, POCKET);
    expect(Array.from(loaded.scoreClip(c, 'b'))).toEqual(Array.from(model.scoreClip(c, 'b')));
    expect(loaded.windowFrames(5)).toBe(5);
    writeFileSync(
      path.join(dir, 'meta.json'),
      JSON.stringify({ ...model.meta, site: { mean: [1] } }),
    );
    await expect(loadPoseScorer(dir)).rejects.toMatchObject({ code: 'VIGIL_ERR_MODEL_LOAD' });
    await expect(loadPoseScorer(path.join(dir, 'none'))).rejects.toMatchObject({
      code: 'VIGIL_ERR_MODEL_MISSING',
    });
  });

  test("a model with each camera's concealment cue norms gives them per camera; an older model has none; damaged norms do not load", async () => {
    const dir = tempDir('vigil-posez-cues-');
    model.save(dir);
    expect((await loadPoseScorer(dir)).cueNorms?.('a')).toBeUndefined();
    const long = [0, 1, 2, 3].map((i) => clip(`store-a_010${i}`, 300, 15, 40));
    const cues = learnCueNorms(long);
    const withCues = model.withCueNorms(cues);
    expect(withCues.meta.cameras).toBe(model.meta.cameras);
    withCues.save(dir);
    const loaded = await loadPoseScorer(dir);
    expect(loaded.cueNorms?.('a')).toEqual(cues.a);
    expect(loaded.cueNorms?.('b')).toBeUndefined();
    writeFileSync(
      path.join(dir, 'meta.json'),
      JSON.stringify({
        ...withCues.meta,
        cues: { a: { ...cues.a, headDown: { centre: 0, spread: -1 } } },
      }),
    );
    await expect(loadPoseScorer(dir)).rejects.toMatchObject({ code: 'VIGIL_ERR_MODEL_LOAD' });
  });
});
