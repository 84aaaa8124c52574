import { countReasons, explainEvents, judgedFrames } from '../../../services/analysis/miss-reasons';
import type { ClipRuns, MissReason } from '../../../services/analysis/miss-reasons';
import type { PoseTracks } from '../../../services/behaviour/pose-tracks';

/** 10 fps, one event at frames 20-29: its catching window is frames 10-59. */
const labels = [...Array(20).fill(0), ...Array(10).fill(1), ...Array(50).fill(0)] as number[];
const doc = (tracks: PoseTracks['tracks'] = []): PoseTracks => ({
  format: 'pose-tracks/v1',
  clip: 'site-a_0007',
  fps: 10,
  frameCount: labels.length,
  keypoints: 'coco17',
  tracks,
  labels: { kind: 'shoplifting', frames: labels },
});
const at = (frame: number, score = 0.5) => ({
  frame,
  rule: 'concealment',
  severity: 'medium',
  score,
});
const scores = Float32Array.from(labels, (l) => (l ? 0.4 : 0.1));
const none = new Uint8Array(labels.length);
const all = new Uint8Array(labels.length).fill(1);

/** A standing person: shoulders at y 100, hips at y 100 + torso (pixels), every score `s`. */
function pose(torso: number, s = 0.9): [number, number, number][] {
  const kp: [number, number, number][] = Array.from({ length: 17 }, () => [0, 0, 0]);
  kp[5] = [90, 100, s];
  kp[6] = [110, 100, s];
  kp[11] = [92, 100 + torso, s];
  kp[12] = [108, 100 + torso, s];
  return kp;
}

describe('why a theft event was or was not caught', () => {
  const runs = (r: Partial<ClipRuns>): ClipRuns => ({
    standard: [],
    uncooled: [],
    anyScore: [],
    scores,
    ...r,
  });
  test.each<[string, Partial<ClipRuns>, Uint8Array, MissReason, number | null]>([
    ['an alert in the window', { standard: [at(59)], anyScore: [at(59, 0.9)] }, all, 'caught', 0.9],
    [
      'held back by a cooldown',
      { uncooled: [at(25)], anyScore: [at(25, 0.7)] },
      all,
      'cooldown',
      0.7,
    ],
    [
      'a completed act under the threshold',
      { anyScore: [at(30, 0.2), at(12, 0.3)] },
      all,
      'below-threshold',
      0.3,
    ],
    [
      'an act outside the window only',
      { anyScore: [at(9), at(60)] },
      all,
      'sequence-incomplete',
      null,
    ],
    [
      'a standard alert outside the window',
      { standard: [at(70)] },
      all,
      'sequence-incomplete',
      null,
    ],
    ['nobody judged', {}, none, 'nobody-judged', null],
  ])('%s', (_, r, judged, reason, actScore) => {
    const [v] = explainEvents(doc(), runs(r), judged);
    expect(v).toMatchObject({ clip: 'site-a_0007', camera: 'a', first: 20, last: 29, reason });
    expect(v!.actScore).toBe(actScore);
    expect(v!.peakScore).toBeCloseTo(0.4);
  });

  test('someone judged only outside the window does not count', () => {
    const judged = new Uint8Array(labels.length);
    judged[9] = 1;
    judged[60] = 1;
    expect(explainEvents(doc(), runs({}), judged)[0]!.reason).toBe('nobody-judged');
    judged[10] = 1;
    expect(explainEvents(doc(), runs({}), judged)[0]!.reason).toBe('sequence-incomplete');
  });

  test('judged frames: shoulders and hips trusted and a torso of at least minTorsoPx', () => {
    const d = doc([
      { id: '1', frames: [3, 4, 5], keypoints: [pose(40), pose(10), pose(40, 0.05)] },
    ]);
    const j = judgedFrames(d, { minKeypointScore: 0.1, minTorsoPx: 24 });
    expect([...j.slice(0, 7)]).toEqual([0, 0, 0, 1, 0, 0, 0]);
  });

  test('counts name every reason', () => {
    const v = explainEvents(doc(), runs({ anyScore: [at(15)] }), all);
    expect(countReasons([...v, ...v])).toEqual({
      caught: 0,
      cooldown: 0,
      'below-threshold': 2,
      'sequence-incomplete': 0,
      'nobody-judged': 0,
    });
  });
});
