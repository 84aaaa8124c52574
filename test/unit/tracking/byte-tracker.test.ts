import { ByteTracker } from '../../../services/tracking/byte-tracker';
import type { ByteTrackerOptions } from '../../../services/tracking/byte-tracker';
import { APPEARANCE_SIZE } from '../../../services/tracking/appearance';
import type { Detection } from '../../../services/core/types';

const OPTS: ByteTrackerOptions = {
  highScore: 0.15,
  matchIou: 0.2,
  lowMatchIou: 0.3,
  maxLostMs: 3000,
  minHits: 2,
  historySize: 16,
  appearanceWeight: 1,
  appearanceGate: 0.15,
  reidGate: 0.15,
};

/** A colour signature concentrated in one bin per body part. */
function colour(bin: number): Float32Array {
  const a = new Float32Array(APPEARANCE_SIZE);
  a[bin] = 1;
  a[64 + bin] = 1;
  return a;
}

type Tagged = Detection & { who: string };

const person = (
  who: string,
  x: number,
  y: number,
  score = 0.4,
  appearance?: Float32Array,
): Tagged => ({
  box: { x, y, w: 30, h: 80 },
  score,
  keypoints: [],
  appearance,
  who,
});

/** Feeds a scene at `fps`; returns, per frame, which tagged person got which track id. */
function runFrames(
  tracker: ByteTracker,
  fps: number,
  seconds: number,
  scene: (t: number) => Tagged[],
) {
  const out: Map<string, number>[] = [];
  for (let i = 0; i <= seconds * fps; i++) {
    const t = i / fps;
    const dets = scene(t);
    const ids = new Map<string, number>();
    for (const tr of tracker.update(dets, 1_000_000 + t * 1000)) {
      const d = dets.find((x) => x.box === tr.box);
      if (d) ids.set(d.who, tr.trackId);
    }
    out.push(ids);
  }
  return out;
}

const allIds = (frames: Map<string, number>[], who: string) =>
  new Set(frames.map((f) => f.get(who)).filter((v) => v !== undefined));

describe('ByteTracker', () => {
  test.each([5, 10])(
    'two people crossing keep their ids, even when the front one hides the other (%s fps)',
    (fps) => {
      const tracker = new ByteTracker(OPTS);
      const frames = runFrames(tracker, fps, 4, (t) => {
        const a = person('A', 100 + 100 * t, 200, 0.4, colour(48));
        const b = person('B', 500 - 100 * t, 206, 0.4, colour(3));
        // While they overlap, B (behind) is not detected at all.
        return Math.abs(a.box.x - b.box.x) < 25 ? [a] : [a, b];
      });
      expect(allIds(frames, 'A').size).toBe(1);
      expect(allIds(frames, 'B').size).toBe(1);
      expect([...allIds(frames, 'A')][0]).not.toBe([...allIds(frames, 'B')][0]);
      expect(frames[frames.length - 1]!.size).toBe(2);
    },
  );

  test('without colour cues, crossing at different depths keeps ids through the Kalman prediction', () => {
    const tracker = new ByteTracker(OPTS);
    const frames = runFrames(tracker, 10, 4, (t) => [
      person('A', 100 + 100 * t, 200),
      person('B', 500 - 100 * t, 250),
    ]);
    expect(allIds(frames, 'A').size).toBe(1);
    expect(allIds(frames, 'B').size).toBe(1);
  });

  test('a person occluded for 1 s (no detection at all) keeps the id', () => {
    const tracker = new ByteTracker(OPTS);
    const frames = runFrames(tracker, 10, 4, (t) =>
      t > 1.5 && t <= 2.5 ? [] : [person('A', 100 + 40 * t, 200, 0.4, colour(10))],
    );
    expect(allIds(frames, 'A').size).toBe(1);
    expect(frames[frames.length - 1]!.get('A')).toBeDefined();
  });

  test('with the model at its 2.5/s floor, a person who turns back stays reported under one id', () => {
    // 0.75 heights a second, turning at t = 1 s. A new track has no velocity yet: 0.4 s later
    // the 30 px box has moved 24 px and overlaps its prediction by IoU 0.11, under matchIou;
    // after the turn the prediction runs the wrong way. Same clothes within walking reach match.
    const tracker = new ByteTracker(OPTS);
    const x = (t: number) => (t < 1 ? 100 + 60 * t : 160 - 60 * (t - 1));
    const frames = runFrames(tracker, 2.5, 3, (t) => [person('A', x(t), 200, 0.4, colour(20))]);
    expect(frames.slice(1).every((f) => f.has('A'))).toBe(true);
    expect(allIds(frames, 'A').size).toBe(1);
  });

  test('within walking reach, different clothes never take over a track', () => {
    const tracker = new ByteTracker(OPTS);
    const frames = runFrames(tracker, 2.5, 3, (t) =>
      t < 1
        ? [person('A', 100 + 60 * t, 200, 0.4, colour(20))]
        : [person('B', 148, 200, 0.4, colour(40))],
    );
    expect(allIds(frames, 'B').size).toBe(1);
    expect([...allIds(frames, 'B')][0]).not.toBe([...allIds(frames, 'A')][0]);
  });

  test('a detection whose score dips below highScore still extends its track (second association)', () => {
    const tracker = new ByteTracker(OPTS);
    const frames = runFrames(tracker, 10, 2, (t) => [
      person('A', 100 + 50 * t, 200, t > 0.5 && t < 1.5 ? 0.11 : 0.4),
    ]);
    expect(allIds(frames, 'A').size).toBe(1);
    expect(frames.filter((f) => f.size === 1).length).toBe(frames.length - 1);
  });

  test('a false detection for one frame never becomes a confirmed track', () => {
    const tracker = new ByteTracker(OPTS);
    const frames = runFrames(tracker, 10, 2, (t) => {
      const dets = [person('A', 100, 200)];
      if (Math.abs(t - 1) < 1e-9) dets.push(person('ghost', 400, 100, 0.9));
      return dets;
    });
    expect(allIds(frames, 'ghost').size).toBe(0);
    expect(allIds(frames, 'A').size).toBe(1);
  });

  test('low-score detections never start tracks', () => {
    const frames = runFrames(new ByteTracker(OPTS), 10, 1, () => [person('faint', 100, 200, 0.12)]);
    expect(allIds(frames, 'faint').size).toBe(0);
  });

  test('a track ends after maxLost and is reported once; the pose history stays bounded', () => {
    const tracker = new ByteTracker({ ...OPTS, maxLostMs: 500 });
    let last: number | undefined;
    for (let i = 0; i < 40; i++)
      last = tracker.update([person('A', 100 + i, 200)], i * 100)[0]?.trackId;
    expect(last).toBeDefined();
    expect(tracker.update([], 4500)).toEqual([]);
    expect(tracker.takeEnded()).toEqual([last]);
    expect(tracker.takeEnded()).toEqual([]);
    const t = new ByteTracker(OPTS);
    let hist = 0;
    for (let i = 0; i < 50; i++)
      hist = t.update([person('A', 100 + i, 200)], i * 100)[0]?.history.length ?? 0;
    expect(hist).toBe(16);
  });

  test('coast: frames the model skipped move tracks along their prediction, and the ids hold', () => {
    // One person walking right at 100 px/s, seen by the model on every other frame of 10 fps.
    const tracker = new ByteTracker(OPTS);
    const x = (ms: number) => 100 + ms / 10;
    const ids = new Set<number>();
    let coastedAt: { box: { x: number }; coasting?: boolean; history: readonly unknown[] }[] = [];
    for (let i = 0; i < 30; i++) {
      const ms = i * 100;
      const out = i % 2 === 0 ? tracker.update([person('A', x(ms), 200)], ms) : tracker.coast(ms);
      out.forEach((t) => ids.add(t.trackId));
      if (i % 2 === 1) coastedAt = out;
    }
    expect(ids.size).toBe(1);
    // The last coasted frame (2.9 s): a predicted box near where the person really was, marked
    // as a prediction, with no pose added to the history for it.
    expect(coastedAt).toHaveLength(1);
    expect(coastedAt[0]!.coasting).toBe(true);
    expect(Math.abs(coastedAt[0]!.box.x - x(2900))).toBeLessThan(5);
    expect(coastedAt[0]!.history).toHaveLength(15);
    // Coasting never ends or loses a track: the next model frame matches it again.
    expect(tracker.takeEnded()).toEqual([]);
    expect(tracker.update([person('A', x(3000), 200)], 3000)[0]?.trackId).toBe([...ids][0]);
  });

  test('coast reports nothing for tentative tracks and no lost track beyond coastMs', () => {
    const tracker = new ByteTracker({ ...OPTS, coastMs: 300 });
    tracker.update([person('A', 100, 200)], 0);
    expect(tracker.coast(50)).toEqual([]); // one hit: still tentative
    tracker.update([person('A', 101, 200)], 100);
    expect(tracker.coast(150)).toHaveLength(1);
    tracker.update([], 200); // missed: lost since 100
    expect(tracker.coast(350)).toHaveLength(1);
    expect(tracker.coast(450)).toEqual([]);
  });
});

describe('ByteTracker coasting at the 2.5/s model floor', () => {
  test('a walker seen every 0.4 s is reported on the frames between where they are, not behind', () => {
    // 75 px/s (a 30x80 box: about 1 height a second), model at 0, 0.4, 0.8 s ..., 5 fps output.
    const tracker = new ByteTracker(OPTS);
    const x = (ms: number) => 100 + (75 * ms) / 1000;
    const errors: number[] = [];
    for (let ms = 0; ms <= 4000; ms += 200) {
      if (ms % 400 === 0) tracker.update([person('A', x(ms), 200, 0.4, colour(20))], ms);
      else {
        const out = tracker.coast(ms);
        if (ms < 400)
          expect(out).toEqual([]); // still tentative
        else {
          expect(out).toHaveLength(1);
          expect(out[0]!.coasting).toBe(true);
          errors.push(Math.abs(out[0]!.box.x - x(ms)));
        }
      }
    }
    // From the second sighting on, within a pixel: the box is 30 px wide, it moves 15 px per frame.
    expect(Math.max(...errors)).toBeLessThan(1);
  });

  test('the coasted box keeps the size of the last detection', () => {
    const tracker = new ByteTracker(OPTS);
    const wide = (x: number, w: number): Detection => ({
      box: { x, y: 200, w, h: 80 },
      score: 0.4,
      keypoints: [{ x: x + 5, y: 210, score: 0.9 }],
    });
    tracker.update([wide(100, 30)], 0);
    tracker.update([wide(110, 44)], 400); // arms out: a wider box
    const [p] = tracker.coast(600);
    expect(p!.box.w).toBe(44);
    expect(p!.box.h).toBe(80);
    // The keypoints move with the box.
    expect(p!.keypoints[0]!.x - p!.box.x).toBeCloseTo(5, 6);
  });
});
