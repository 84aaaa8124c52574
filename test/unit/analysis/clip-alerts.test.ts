import { readFileSync } from 'node:fs';
import {
  falseAlertRate,
  recallAtBudgets,
  scoreEvents,
  theftEvents,
} from '../../../services/analysis/alert-metrics';
import { clipAlerts } from '../../../services/analysis/clip-alerts';
import { PoseRecorder } from '../../../services/behaviour/pose-recorder';
import { parsePoseTracks } from '../../../services/behaviour/pose-tracks';
import type { PoseTracks } from '../../../services/behaviour/pose-tracks';
import { parseConfig } from '../../../services/config/load';
import type { Keypoint, TrackedPerson } from '../../../services/core/types';
import { captureLogger } from '../../helpers/logger';
import { tempDir } from '../../helpers/media';
import { body } from '../../helpers/poses';
import { STAND, armOut, concealing } from '../../helpers/concealment-poses';

/** Standing (0-1 s), arm out (1-2 s), hands hidden together at the waist, head down (2-5 s). */
const poseAt = (s: number): Keypoint[] =>
  s < 1 ? body(1, STAND).keypoints : s < 2 ? armOut() : concealing();

const config = parseConfig({
  cameras: [{ id: 'shop', source: { url: 'rtsp://cam/x' }, analysis: { fps: 5 } }],
});

describe('behaviour alerts on pose-tracks/v1 clips', () => {
  test("the daemon's own recording (startedAt, capture times, boxes) gives the alert at its frame, and a score per frame", () => {
    const dir = tempDir('vigil-clip-alerts-');
    const rec = new PoseRecorder(dir, 'shop', 5);
    const t0 = Date.UTC(2026, 2, 3, 15);
    for (let i = 0; i < 30; i++) {
      const p: TrackedPerson = { ...body(4, STAND), keypoints: poseAt(i / 5) };
      rec.record(100 + i, t0 + i * 200, [p]);
    }
    const file = rec.flush()!;
    const doc = parsePoseTracks(readFileSync(file, 'utf8'), file);
    const r = clipAlerts(config, doc, captureLogger('warn').log);
    expect(r.alerts).toHaveLength(1);
    expect(r.alerts[0]).toMatchObject({ rule: 'concealment', severity: expect.any(String) });
    // Reach at 1 s, to-body at 2 s, held 0.5 s, and the 2-s average score past 0.6 (the average
    // still holds the standing and reaching poses until about 4 s): frames 12-20.
    expect(r.alerts[0]!.frame).toBeGreaterThanOrEqual(12);
    expect(r.alerts[0]!.frame).toBeLessThanOrEqual(20);
    expect(r.alerts[0]!.score).toBeGreaterThanOrEqual(0.6);
    expect(r.scores).toHaveLength(30);
    expect(r.scores[20]!).toBeGreaterThan(r.scores[2]!);
  });

  test('a clip nobody is in has no alert and the nobody score on every frame', () => {
    const doc: PoseTracks = {
      format: 'pose-tracks/v1',
      clip: 'poselift-09_0001',
      fps: 15,
      frameCount: 10,
      keypoints: 'coco17',
      tracks: [],
    };
    const r = clipAlerts(config, doc, captureLogger('warn').log);
    expect(r.alerts).toEqual([]);
    expect([...r.scores].every((s) => s === -10)).toBe(true);
  });
});

const labelled = (clip: string, labels: number[]): PoseTracks => ({
  format: 'pose-tracks/v1',
  clip,
  fps: 10,
  frameCount: labels.length,
  keypoints: 'coco17',
  tracks: [],
  labels: { kind: 'shoplifting', frames: labels },
});
const alert = (frame: number) => ({ frame, rule: 'concealment', severity: 'medium', score: 1 });

describe('alert metrics', () => {
  test.each([
    [
      [0, 1, 1, 0, 1],
      [
        [1, 2],
        [4, 4],
      ],
    ],
    [[0, 0], []],
    [[1, 1], [[0, 1]]],
  ])('theft events of %p are %p', (labels, runs) => {
    expect(theftEvents(labels)).toEqual(runs);
  });

  test('an alert from 1 s before an event to 3 s after it catches it; others are false', () => {
    // 10 fps: event frames 20-29; catching window 10..59.
    const doc = labelled('site-a_0001', [
      ...Array(20).fill(0),
      ...Array(10).fill(1),
      ...Array(50).fill(0),
    ]);
    const at = (frames: number[]) => scoreEvents([doc], { 'site-a_0001': frames.map(alert) });
    expect(at([10])).toEqual({ events: 1, caught: 1, alerts: 1, trueAlerts: 1 });
    expect(at([59])).toMatchObject({ caught: 1 });
    expect(at([9, 60])).toEqual({ events: 1, caught: 0, alerts: 2, trueAlerts: 0 });
  });

  test('false alerts per camera-hour: per camera, overall and the worst', () => {
    const a = { ...labelled('site-a_0001', []), frameCount: 36_000 }; // 1 h at 10 fps
    const b = { ...labelled('site-b_0001', []), frameCount: 18_000 }; // 0.5 h
    const r = falseAlertRate([a, b], {
      'site-a_0001': [alert(1)],
      'site-b_0001': [alert(1), alert(2)],
    });
    expect(r.perCamera.a!.perHour).toBeCloseTo(1);
    expect(r.perCamera.b!.perHour).toBeCloseTo(4);
    expect(r.overall).toBeCloseTo(2);
    expect(r.worst).toEqual({ camera: 'b', perHour: expect.closeTo(4) as number });
  });

  test('recall at a budget is the best operating point within it', () => {
    const p = (threshold: number, recall: number, falsePerHour: number) => ({
      threshold,
      recall,
      precision: 1,
      falsePerHour,
      worstFalsePerHour: falsePerHour,
    });
    expect(recallAtBudgets([p(0, 0.9, 30), p(1, 0.5, 4), p(2, 0.2, 0.5)], [1, 5, 50])).toEqual([
      { falsePerHour: 1, recall: 0.2, threshold: 2 },
      { falsePerHour: 5, recall: 0.5, threshold: 1 },
      { falsePerHour: 50, recall: 0.9, threshold: 0 },
    ]);
  });
});
