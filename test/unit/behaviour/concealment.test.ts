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

/** Plays a script of (seconds, right wrist) segments at 5 fps; returns the events. */
function play(segments: [number, [number, number] | undefined][], fps = 5): RuleEvent[] {
  const rule = new ConcealmentRule([SHELF], {
    minKeypointScore: 0.3,
    windowSeconds: 3,
    holdSeconds: 1,
    minTorsoPx: 24,
  });
  const events: RuleEvent[] = [];
  let t = 1_000_000;
  const history: PoseSample[] = [];
  for (const [secs, wrist] of segments) {
    for (let i = 0; i < secs * fps; i++) {
      events.push(...rule.evaluate([tracked(history, { ...STAND, rightWrist: wrist }, t)], t));
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
      severity: 'medium',
    });
    expect(e.evidence!.hand).toBe('right');
    expect(e.evidence!.steps.map((s) => s.step)).toEqual(['reach', 'to-body', 'hold']);
    expect(e.evidence!.steps[1]!.region).toBe('pocket');
    expect(Object.keys(e.evidence!.keypoints)).toContain('right_wrist');
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
    // The swing passes through the pocket region every second but never stays.
    const swing = (i: number): [number, number] => [
      POCKET[0] + 0.4 * L.t * Math.sin(i * 2.5),
      POCKET[1] + 2,
    ]; // ±0.4 torso, a walking swing
    const rule = new ConcealmentRule([SHELF], {
      minKeypointScore: 0.3,
      windowSeconds: 3,
      holdSeconds: 1,
      minTorsoPx: 24,
    });
    const ev: RuleEvent[] = [];
    const h: PoseSample[] = [];
    for (let i = 0; i < 5; i++)
      ev.push(...rule.evaluate([tracked(h, { ...STAND, rightWrist: IN_SHELF }, i * 200)], i * 200));
    for (let i = 0; i < 25; i++)
      ev.push(
        ...rule.evaluate(
          [tracked(h, { ...STAND, rightWrist: swing(i) }, 1000 + i * 200)],
          1000 + i * 200,
        ),
      );
    expect(ev).toEqual([]);
  });

  test('standing inside a (badly drawn) shelf zone, hands there mean nothing', () => {
    const aisle: PixelZone = {
      ...SHELF,
      polygon: [
        { x: 0, y: 0 },
        { x: 600, y: 0 },
        { x: 600, y: 600 },
        { x: 0, y: 600 },
      ],
    };
    const rule = new ConcealmentRule([aisle], {
      minKeypointScore: 0.3,
      windowSeconds: 3,
      holdSeconds: 1,
      minTorsoPx: 24,
    });
    const ev: RuleEvent[] = [];
    const h: PoseSample[] = [];
    for (let i = 0; i < 30; i++)
      ev.push(
        ...rule.evaluate(
          [tracked(h, { ...STAND, rightWrist: i < 5 ? IN_SHELF : POCKET }, i * 200)],
          i * 200,
        ),
      );
    expect(ev).toEqual([]);
  });

  test('a hanging hand that happens to be in a low shelf zone is no reach', () => {
    const low = pixelZone('low', 'shelf', rect(320, 290, 420, 340));
    const rule = new ConcealmentRule([low], {
      minKeypointScore: 0.3,
      windowSeconds: 3,
      holdSeconds: 1,
      minTorsoPx: 24,
    });
    const ev: RuleEvent[] = [];
    const h: PoseSample[] = [];
    for (let i = 0; i < 20; i++)
      ev.push(
        ...rule.evaluate(
          [
            tracked(
              h,
              { ...STAND, rightWrist: i < 5 ? [L.rightHip[0] + 30, L.hipY + 20] : POCKET },
              i * 200,
            ),
          ],
          i * 200,
        ),
      );
    expect(ev).toEqual([]);
  });

  test('people too small for reliable hand keypoints are not judged', () => {
    const rule = new ConcealmentRule([SHELF], {
      minKeypointScore: 0.3,
      windowSeconds: 3,
      holdSeconds: 1,
      minTorsoPx: 60,
    });
    const ev: RuleEvent[] = [];
    const h: PoseSample[] = [];
    for (let i = 0; i < 20; i++)
      ev.push(
        ...rule.evaluate(
          [tracked(h, { ...STAND, rightWrist: i < 5 ? IN_SHELF : POCKET }, i * 200)],
          i * 200,
        ),
      );
    expect(ev).toEqual([]);
  });

  test('a walker whose hand swings into a shelf zone beside the path never fires', () => {
    const rule = new ConcealmentRule([SHELF], {
      minKeypointScore: 0.3,
      windowSeconds: 3,
      holdSeconds: 1,
      minTorsoPx: 24,
    });
    const ev: RuleEvent[] = [];
    const h: PoseSample[] = [];
    for (let i = 0; i < 40; i++) {
      const x = 200 + i * 12; // 60 px/s: more than a torso length per second
      const wrist: [number, number] = i % 5 === 0 ? [x + 100, 260] : [x + 8, L.rightHip[1] + 5];
      ev.push(...rule.evaluate([tracked(h, { ...STAND, x, rightWrist: wrist }, i * 200)], i * 200));
    }
    expect(ev).toEqual([]);
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
