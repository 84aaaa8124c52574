import { ConcealmentScorer, cueScore, cuesOf } from '../../../services/behaviour/concealment-cues';
import { ConcealmentRule, NO_SHELF } from '../../../services/behaviour/concealment';
import type { RuleEvent } from '../../../services/behaviour/rule-event';
import type { Keypoint, TrackedPerson } from '../../../services/core/types';
import { body, landmarks } from '../../helpers/poses';
import { STAND, armOut, concealing, playConcealment, pose } from '../../helpers/concealment-poses';

describe('concealment cues and score (body units)', () => {
  test.each([
    ['standing, hands hanging, head up', pose(STAND), -Infinity, 0],
    ['hands together at the waist band, head down, elbows folded', concealing(), 0.6, Infinity],
    ['the same with the right wrist gone out of sight', concealing(STAND, 0.05), 0.9, Infinity],
  ])('%s scores in its range', (_name, kps, lo, hi) => {
    const s = cueScore(cuesOf(kps)!);
    expect(s).toBeGreaterThanOrEqual(lo);
    expect(s).toBeLessThan(hi);
  });

  test('a near and a far person in the same pose read alike (torso lengths, not pixels)', () => {
    const near = cuesOf(concealing({ x: 300, y: 500, torso: 150 }))!;
    const far = cuesOf(concealing({ x: 80, y: 120, torso: 30 }))!;
    for (const k of Object.keys(near) as (keyof typeof near)[])
      expect(near[k]).toBeCloseTo(far[k], 5);
  });

  test('a wrist the model loses raises wristHidden; no shoulders or hips: no cues', () => {
    expect(cuesOf(concealing(STAND, 0))!.wristHidden).toBeGreaterThan(
      cuesOf(concealing())!.wristHidden,
    );
    const noHips = pose(STAND).map((p, i) => (i === 11 || i === 12 ? { x: 0, y: 0, score: 0 } : p));
    expect(cuesOf(noHips)).toBeUndefined();
  });

  test('the scorer averages a person over the last second and forgets them', () => {
    const scorer = new ConcealmentScorer(1, 5000);
    const person = (kps: Keypoint[]): TrackedPerson => ({ ...body(7, STAND), keypoints: kps });
    scorer.update([person(pose(STAND))], 0);
    scorer.update([person(concealing())], 500);
    const mixed = scorer.scoreOf(7)!;
    scorer.update([person(concealing())], 1600); // the rest pose is older than a second
    expect(scorer.scoreOf(7)!).toBeGreaterThan(mixed);
    expect(scorer.maxOf([person(pose(STAND))])).toBe(scorer.scoreOf(7));
    scorer.update([], 7000);
    expect(scorer.scoreOf(7)).toBeUndefined();
  });
});

const OPTS = {
  minKeypointScore: 0.1,
  windowSeconds: 3,
  holdSeconds: 0.5,
  minTorsoPx: 24,
  scoreThreshold: 0.6,
};

/** Plays (seconds, pose) segments at 5 fps through a rule with no shelf zone. */
const play = (segments: [number, () => Keypoint[]][], opts = OPTS): RuleEvent[] =>
  playConcealment(new ConcealmentRule([], opts), segments);

const L = landmarks(STAND);
const ARM_OUT = () => armOut();

describe('concealment with no shelf zone drawn', () => {
  test('arm held out, then hands hidden at the waist band with the head down: one alert, zone "any", the score as evidence', () => {
    const ev = play([
      [1, () => pose(STAND)],
      [1, ARM_OUT],
      [2, () => concealing()],
    ]);
    expect(ev.map((e) => e.type)).toEqual(['start']);
    expect(ev[0]).toMatchObject({ rule: 'concealment', zoneId: NO_SHELF.id });
    expect(ev[0]!.evidence!.steps.map((s) => s.step)).toEqual(['reach', 'to-body', 'hold']);
    expect(ev[0]!.evidence!.concealmentScore).toBeGreaterThanOrEqual(0.6);
  });

  test('a hand last seen at the waist that goes out of sight counts as hidden there', () => {
    const ev = play([
      [1, ARM_OUT],
      [0.4, () => concealing()],
      [2, () => concealing(STAND, 0)],
    ]);
    expect(ev.map((e) => e.type)).toEqual(['start']);
    expect(ev[0]!.evidence!.steps.map((s) => s.region)).toContain('hidden');
  });

  test('the same gestures with an ordinary posture (head up, hands apart) stay below the score: no alert', () => {
    const hip = () => pose({ ...STAND, rightWrist: [L.rightHip[0] + 4, L.rightHip[1] + 5] });
    expect(
      play([
        [1, ARM_OUT],
        [3, hip],
      ]),
    ).toEqual([]);
  });

  test('hands at the waist with the head down but no reach before never fire (fires once per act)', () => {
    expect(play([[5, () => concealing()]])).toEqual([]);
    const twice = play([
      [1, ARM_OUT],
      [3, () => concealing()],
    ]);
    expect(twice.filter((e) => e.type === 'start')).toHaveLength(1);
  });
});
