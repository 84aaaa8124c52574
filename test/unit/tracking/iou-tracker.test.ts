import { IouTracker } from '../../../services/tracking/iou-tracker';
import type { Detection } from '../../../services/core/types';

const det = (x: number, y: number, score = 0.5): Detection => ({
  box: { x, y, w: 30, h: 80 },
  score,
  keypoints: [],
});

describe('IouTracker', () => {
  test('keeps ids for people moving a little each frame and confirms after minHits', () => {
    const tr = new IouTracker({ iouThreshold: 0.2, maxLostMs: 1000, minHits: 2 });
    expect(tr.update([det(0, 0), det(200, 0)], 0)).toEqual([]);
    const second = tr.update([det(3, 0), det(203, 1)], 100);
    expect(second.map((t) => t.trackId)).toEqual([1, 2]);
    const third = tr.update([det(206, 2), det(6, 0)], 200);
    const byId = third.map((t) => [t.trackId, t.box.x]).sort((a, b) => a[0]! - b[0]!);
    expect(byId).toEqual([
      [1, 6],
      [2, 206],
    ]);
  });

  test('a detection seen once never becomes a confirmed track', () => {
    const tr = new IouTracker({ iouThreshold: 0.2, maxLostMs: 1000, minHits: 2 });
    tr.update([det(0, 0), det(400, 400)], 0);
    expect(tr.update([det(1, 0)], 100).map((t) => t.trackId)).toEqual([1]);
    expect(tr.update([det(2, 0)], 200).map((t) => t.trackId)).toEqual([1]);
  });

  test('a track unseen for longer than maxLost ends and is reported once', () => {
    const tr = new IouTracker({ iouThreshold: 0.2, maxLostMs: 500, minHits: 1 });
    tr.update([det(0, 0)], 0);
    tr.update([], 400);
    expect(tr.takeEnded()).toEqual([]);
    expect(tr.update([det(0, 0)], 450).map((t) => t.trackId)).toEqual([1]);
    tr.update([], 1000);
    expect(tr.takeEnded()).toEqual([1]);
    expect(tr.takeEnded()).toEqual([]);
    expect(tr.update([det(0, 0)], 1100).map((t) => t.trackId)).toEqual([2]);
  });
});
