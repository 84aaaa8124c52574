import type { PoseScorer } from '../../../services/behaviour/pose-scorer';
import { AnomalyWatcher } from '../../../services/behaviour/anomaly-watcher';
import type { RuleEvent } from '../../../services/behaviour/rule-event';
import type { PoseSample, TrackedPerson } from '../../../services/core/types';
import { body } from '../../helpers/poses';
import { pixelZone, rect } from '../../helpers/zones';

// Two shelves side by side at chest height; the person stands between them at (300, 400).
const SHELF_A = pixelZone('shelf-a', 'shelf', rect(340, 200, 420, 320));
const SHELF_B = pixelZone('shelf-b', 'shelf', rect(180, 200, 260, 320));
const IN_A: [number, number] = [380, 260];
const IN_B: [number, number] = [220, 260];

/**
 * The watcher's own logic under test: the model's score is set by the test (the real model is
 * trained and scored in test/integration/behaviour/anomaly-model.test.ts).
 */
function watcher(shelves = [SHELF_A, SHELF_B]) {
  let score = 0;
  const model: PoseScorer = {
    kind: 'pose-z',
    windowFrames: () => 4,
    scoreClip: () => new Float32Array([score]),
    trainedWindows: 0,
    dispose: () => undefined,
  };
  const w = new AnomalyWatcher(model, shelves, {
    threshold: 1,
    everyFrames: 1,
    fps: 5,
    camera: 'aisle-3',
  });
  const history: PoseSample[] = [];
  let t = 1_000_000;
  const events: RuleEvent[] = [];
  const frame = (wrist: [number, number] | undefined, s: number): TrackedPerson => {
    score = s;
    const p = body(7, { x: 300, y: 400, rightWrist: wrist });
    history.push({ timestampMs: t, box: p.box, score: p.score, keypoints: p.keypoints });
    const person = { ...p, history: [...history] };
    events.push(...w.evaluate({ tracks: [person], nowMs: t }));
    t += 200;
    return person;
  };
  const run = (seconds: number, wrist: [number, number] | undefined, s: number) => {
    for (let i = 0; i < seconds * 5; i++) frame(wrist, s);
  };
  return { w, events, run };
}

describe('anomaly watcher', () => {
  test('an incident keeps the shelf and start it opened with, though the person moves to another shelf; its dwell grows', () => {
    const { events, run } = watcher();
    run(1, IN_A, 0.2);
    run(2, IN_A, 3);
    run(2, IN_B, 3);
    run(4, undefined, 0.1);
    expect(events.map((e) => [e.type, e.zoneId])).toEqual([
      ['start', 'shelf-a'],
      ['end', 'shelf-a'],
    ]);
    const [start, end] = events;
    expect(end!.startedAtMs).toBe(start!.startedAtMs);
    expect(start!.dwellMs).toBe(0);
    // Unusual at a shelf for 4 s (2 at A, 2 at B), ended 3 s after the last high score.
    expect(end!.dwellMs).toBeGreaterThanOrEqual(6000);
    expect(start!.evidence?.anomalyScore).toBe(3);
  });

  test('a zone edit that removes every shelf while an incident is open ends it cleanly (no throw)', () => {
    const { w, events, run } = watcher();
    run(2, IN_A, 3);
    w.setZones([]);
    expect(() => run(4, IN_A, 3)).not.toThrow();
    expect(events.map((e) => [e.type, e.zoneId])).toEqual([
      ['start', 'shelf-a'],
      ['end', 'shelf-a'],
    ]);
  });

  test('never alerts below the threshold, nor away from shelves', () => {
    const low = watcher();
    low.run(5, IN_A, 0.99);
    expect(low.events).toEqual([]);
    const away = watcher();
    away.run(5, undefined, 5);
    expect(away.events).toEqual([]);
  });
});
