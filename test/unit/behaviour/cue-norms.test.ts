import {
  CUE_NORMS,
  ConcealmentScorer,
  SMOOTH_SECONDS,
  cueScore,
  cuesOf,
} from '../../../services/behaviour/concealment-cues';
import type { CueName, CueNorms } from '../../../services/behaviour/concealment-cues';
import { ConcealmentRule } from '../../../services/behaviour/concealment';
import {
  MIN_NORM_POSES,
  crossFitCueNorms,
  learnCueNorms,
  validCueNorms,
} from '../../../services/behaviour/cue-norms';
import type { PoseTracks } from '../../../services/behaviour/pose-tracks';
import type { RuleEvent } from '../../../services/behaviour/rule-event';
import type { Keypoint, TrackedPerson } from '../../../services/core/types';
import { clip } from '../../helpers/pose-clips';
import { body } from '../../helpers/poses';
import { STAND, armOut, concealing, playConcealment } from '../../helpers/concealment-poses';

const NAMES = Object.keys(CUE_NORMS) as CueName[];

const standing = () => body(1, STAND).keypoints;

/** The mean of each cue over every pose of `docs` (what a camera's centre must be). */
function meanCues(docs: readonly PoseTracks[]): Record<CueName, number> {
  const cues = docs.flatMap((d) =>
    d.tracks.flatMap((t) =>
      t.keypoints.map((p) => cuesOf(p.map(([x, y, score]) => ({ x, y, score })))!),
    ),
  );
  return Object.fromEntries(
    NAMES.map((n) => [n, cues.reduce((s, c) => s + c[n], 0) / cues.length]),
  ) as Record<CueName, number>;
}

/** Norms of a camera where `kps` is the ordinary posture (centred on it, built-in spreads). */
function normsCentredOn(kps: Keypoint[]): CueNorms {
  const c = cuesOf(kps)!;
  return Object.fromEntries(
    NAMES.map((n) => [n, { centre: c[n], spread: CUE_NORMS[n].spread }]),
  ) as CueNorms;
}

describe("a camera's own normal of the concealment cues", () => {
  // Camera a: a minute and more of people walking by; camera b: a few seconds only.
  const a = [0, 1, 2, 3].map((i) => clip(`store-a_000${i}`, 300, 15, 20 + 15 * i));
  const b = [clip('store-b_0000', 60, 15, 30)];

  test('learns the mean of each cue over every pose of the camera, only with enough poses, spreads never below half the built-in', () => {
    expect(4 * 300).toBeGreaterThanOrEqual(MIN_NORM_POSES);
    expect(60).toBeLessThan(MIN_NORM_POSES);
    const norms = learnCueNorms([...a, ...b]);
    expect(Object.keys(norms)).toEqual(['a']);
    const mean = meanCues(a);
    for (const n of NAMES) {
      expect(norms.a![n].centre).toBeCloseTo(mean[n], 3);
      expect(norms.a![n].spread).toBeGreaterThanOrEqual(0.5 * CUE_NORMS[n].spread - 1e-4);
    }
    expect(validCueNorms(norms)).toBe(true);
  });

  test('cross-fitted: each normal clip gets the norms learned from the other half of its camera', () => {
    const long = [0, 1, 2, 3].map((i) =>
      clip(`store-a_000${i}`, 1000, 15, i % 2 === 0 ? 10 : 80, (t) => [
        200 + (i % 2 === 0 ? 10 : 80) * t + 30,
        i % 2 === 0 ? 300 : 330,
      ]),
    );
    const normsOf = crossFitCueNorms(long);
    const even = learnCueNorms([long[0]!, long[2]!]).a;
    const odd = learnCueNorms([long[1]!, long[3]!]).a;
    expect(even).not.toEqual(odd);
    expect(normsOf(long[0]!)).toEqual(odd);
    expect(normsOf(long[3]!)).toEqual(even);
    expect(normsOf({ clip: 'store-a_0099' })).toBeUndefined();
  });

  test.each([
    ['a camera with every cue', { x: CUE_NORMS }, true],
    ['no camera at all', {}, true],
    ['a cue missing', { x: { ...CUE_NORMS, headDown: undefined } }, false],
    ['a zero spread', { x: { ...CUE_NORMS, waistBand: { centre: 0, spread: 0 } } }, false],
    [
      'a centre that is not a number',
      { x: { ...CUE_NORMS, elbowBent: { centre: 'a', spread: 1 } } },
      false,
    ],
    ['an array', [CUE_NORMS], false],
    ['null', null, false],
  ])('validCueNorms: %s', (_name, x, ok) => {
    expect(validCueNorms(x)).toBe(ok);
  });

  test('a posture that is ordinary on this camera scores about 0 against its norms, and high against the built-in ones', () => {
    const c = cuesOf(concealing())!;
    expect(cueScore(c)).toBeGreaterThan(0.6);
    expect(cueScore(c, normsCentredOn(concealing()))).toBeCloseTo(0, 5);
  });

  test(`the scorer averages over the last ${SMOOTH_SECONDS} s by default`, () => {
    const scorer = new ConcealmentScorer();
    const person = (kps: Keypoint[]): TrackedPerson => ({ ...body(3, STAND), keypoints: kps });
    scorer.update([person(standing())], 0);
    scorer.update([person(concealing())], 1500);
    const mixed = scorer.scoreOf(3)!; // the standing pose 1.5 s ago still counts
    expect(mixed).toBeLessThan(cueScore(cuesOf(concealing())!));
    scorer.update([person(concealing())], SMOOTH_SECONDS * 1000 + 100);
    expect(scorer.scoreOf(3)!).toBeCloseTo(cueScore(cuesOf(concealing())!), 5);
  });
});

/** Plays (seconds, pose) segments at 5 fps through a rule with no shelf zone and these norms. */
const play = (segments: [number, () => Keypoint[]][], norms?: CueNorms): RuleEvent[] =>
  playConcealment(
    new ConcealmentRule(
      [],
      {
        minKeypointScore: 0.1,
        windowSeconds: 3,
        holdSeconds: 0.5,
        minTorsoPx: 24,
        scoreThreshold: 0.6,
      },
      norms,
    ),
    segments,
  );

describe('the concealment rule with a camera of its own normal', () => {
  const act: [number, () => Keypoint[]][] = [
    [1, standing],
    [1, armOut],
    [3, concealing],
  ];

  test('reach, hands hidden together at the waist, head down: an alert with the built-in norms', () => {
    expect(play(act).map((e) => e.type)).toEqual(['start']);
  });

  test('the same act on a camera where that posture is the ordinary one (a till, a narrow aisle): no alert', () => {
    expect(play(act, normsCentredOn(concealing()))).toEqual([]);
  });

  test('on a camera where people stand straight, the act still fires', () => {
    expect(play(act, normsCentredOn(standing())).map((e) => e.type)).toEqual(['start']);
  });
});
