import { ConcealmentRule } from '../../../services/behaviour/concealment';
import type { RuleEvent } from '../../../services/behaviour/rule-event';
import type { PixelZone } from '../../../services/behaviour/zones';
import { body, landmarks } from '../../helpers/poses';
import type { Body } from '../../helpers/poses';
import type { PoseSample, TrackedPerson } from '../../../services/core/types';
import { pixelZone, rect } from '../../helpers/zones';

// A shelf to the person's right at chest height; the person stands with feet at (300, 400).
const SHELF: PixelZone = pixelZone('spirits', 'shelf', rect(360, 200, 460, 320));
const STAND = { x: 300, y: 400, torso: 50 };
const L = landmarks(STAND);
const IN_SHELF: [number, number] = [400, 260];
const POCKET: [number, number] = [L.rightHip[0] + 4, L.rightHip[1] + 5];
const BELLY: [number, number] = [305, L.shY + 0.6 * L.t];
const BASKET: [number, number] = [L.rightHip[0] + 0.35 * L.t, L.hipY + 0.6 * L.t];
const HEAD = L.head;

/** A person with the pose history a tracker would give them (for the standing check). */
function tracked(history: PoseSample[], b: Body, t: number): TrackedPerson {
  const p = body(1, b);
  history.push({ timestampMs: t, box: p.box, score: p.score, keypoints: p.keypoints });
  if (history.length > 30) history.shift();
  return { ...p, history: [...history] };
}

const OPTS = {
  minKeypointScore: 0.3,
  windowSeconds: 3,
  holdSeconds: 1,
  minTorsoPx: 24,
  scoreThreshold: -10,
};

/** Runs `frames` frames 200 ms apart, the person placed by `at(i)`; returns the events. */
function runFrames(
  zones: PixelZone[],
  frames: number,
  at: (i: number) => Body,
  opts = OPTS,
): RuleEvent[] {
  const rule = new ConcealmentRule(zones, opts);
  const history: PoseSample[] = [];
  const events: RuleEvent[] = [];
  for (let i = 0; i < frames; i++)
    events.push(...rule.evaluate({ tracks: [tracked(history, at(i), i * 200)], nowMs: i * 200 }));
  return events;
}

/** Plays a script of (seconds, right wrist) segments at 5 fps; returns the events. */
function play(segments: [number, [number, number] | undefined][], fps = 5): RuleEvent[] {
  const rule = new ConcealmentRule([SHELF], OPTS);
  const events: RuleEvent[] = [];
  let t = 1_000_000;
  const history: PoseSample[] = [];
  for (const [secs, wrist] of segments) {
    for (let i = 0; i < secs * fps; i++) {
      events.push(
        ...rule.evaluate({
          tracks: [tracked(history, { ...STAND, rightWrist: wrist }, t)],
          nowMs: t,
        }),
      );
      t += 1000 / fps;
    }
  }
  return events;
}

describe('concealment rule', () => {
  test('reach into a shelf, hand to the pocket and kept there: fires once, with the steps as evidence', () => {
    const ev = play([
      [1, undefined],
      [1, IN_SHELF],
      [0.4, [380, 330]],
      [2, POCKET],
      [1, undefined],
    ]);
    expect(ev.map((e) => e.type)).toEqual(['start', 'end']);
    const e = ev[0]!;
    expect(e).toMatchObject({
      rule: 'concealment',
      zoneId: 'spirits',
      trackId: 1,
      // Severity follows the concealment score: one above the (here very low) threshold is high.
      severity: 'high',
    });
    expect(e.evidence!.concealmentScore).toEqual(expect.any(Number));
    expect(e.evidence!.hand).toBe('right');
    expect(e.evidence!.steps.map((s) => s.step)).toEqual(['reach', 'to-body', 'hold']);
    expect(e.evidence!.steps[1]!.region).toBe('pocket');
    expect(Object.keys(e.evidence!.keypoints)).toContain('right_wrist');
  });

  test('a new reach after a fired one ends the first incident before the second starts (one open per hand)', () => {
    // The wrist jumps from the pocket straight back into the shelf (a low model rate).
    const ev = play([
      [1, IN_SHELF],
      [2, POCKET],
      [1, IN_SHELF],
      [2, POCKET],
      [1, undefined],
    ]);
    expect(ev.map((e) => e.type)).toEqual(['start', 'end', 'start', 'end']);
    expect(ev[1]!.startedAtMs).toBe(ev[0]!.startedAtMs);
    expect(ev[2]!.startedAtMs).toBeGreaterThan(ev[1]!.atMs - 1);
  });

  test('into the jacket (torso) also fires', () => {
    expect(
      play([
        [1, IN_SHELF],
        [2, BELLY],
      ]).map((e) => e.type),
    ).toEqual(['start']);
  });

  test("scratching one's head never fires, even right after a reach", () => {
    expect(play([[3, HEAD]])).toEqual([]);
    expect(
      play([
        [1, IN_SHELF],
        [3, HEAD],
      ]),
    ).toEqual([]);
  });

  test('carrying a basket never fires', () => {
    expect(play([[5, BASKET]])).toEqual([]);
  });

  test('reaching to a shelf and putting the item in the basket never fires', () => {
    expect(
      play([
        [1, undefined],
        [1, IN_SHELF],
        [0.4, [400, 340]],
        [3, BASKET],
        [1, IN_SHELF],
        [3, BASKET],
      ]),
    ).toEqual([]);
  });

  test('walking away after a reach, the arm swinging past the hip, never fires', () => {
    // ±0.4 torso, a walking swing: it passes through the pocket region but never stays.
    const swing = (i: number): [number, number] => [
      POCKET[0] + 0.4 * L.t * Math.sin(i * 2.5),
      POCKET[1] + 2,
    ];
    expect(
      runFrames([SHELF], 30, (i) => ({ ...STAND, rightWrist: i < 5 ? IN_SHELF : swing(i - 5) })),
    ).toEqual([]);
  });

  test('standing inside a (badly drawn) shelf zone, hands there mean nothing', () => {
    const aisle: PixelZone = { ...SHELF, polygon: rect(0, 0, 600, 600) };
    expect(
      runFrames([aisle], 30, (i) => ({ ...STAND, rightWrist: i < 5 ? IN_SHELF : POCKET })),
    ).toEqual([]);
  });

  test('a hanging hand that happens to be in a low shelf zone is no reach', () => {
    const low = pixelZone('low', 'shelf', rect(320, 290, 420, 340));
    const hanging: [number, number] = [L.rightHip[0] + 30, L.hipY + 20];
    expect(
      runFrames([low], 20, (i) => ({ ...STAND, rightWrist: i < 5 ? hanging : POCKET })),
    ).toEqual([]);
  });

  test('people too small for reliable hand keypoints are not judged', () => {
    const script = (i: number): Body => ({ ...STAND, rightWrist: i < 5 ? IN_SHELF : POCKET });
    expect(runFrames([SHELF], 20, script, { ...OPTS, minTorsoPx: 60 })).toEqual([]);
    // The same script by a person large enough does fire: the size is what held it back.
    expect(runFrames([SHELF], 20, script).map((e) => e.type)).toEqual(['start']);
  });

  test('a walker whose hand swings into a shelf zone beside the path never fires', () => {
    const walker = (i: number): Body => {
      const x = 200 + i * 12; // 60 px/s: more than a torso length per second
      return { ...STAND, x, rightWrist: i % 5 === 0 ? [x + 100, 260] : [x + 8, L.rightHip[1] + 5] };
    };
    expect(runFrames([SHELF], 40, walker)).toEqual([]);
  });

  test('a hand that only brushes the body, or arrives after the window, does not fire', () => {
    expect(
      play([
        [1, IN_SHELF],
        [0.6, POCKET],
        [2, undefined],
      ]),
    ).toEqual([]);
    expect(
      play([
        [1, IN_SHELF],
        [3.4, [420, 360]],
        [2, POCKET],
      ]),
    ).toEqual([]);
  });
});
