import { iou } from '../behaviour/geometry';
import type { Detection, TrackedPerson } from '../core/types';
import type { Tracker } from './tracker';

export interface IouTrackerOptions {
  iouThreshold: number;
  maxLostMs: number;
  minHits: number;
}

interface Track {
  id: number;
  last: Detection;
  hits: number;
  firstSeenMs: number;
  lastSeenMs: number;
}

/**
 * Greedy IoU association, highest overlap first. Tracks need `minHits` matches to be reported and
 * survive `maxLostMs` without a match. Enough for the walking skeleton; the tracking issue
 * replaces it with a Kalman/ByteTrack tracker behind the same interface.
 */
export class IouTracker implements Tracker {
  private tracks: Track[] = [];
  private nextId = 1;
  private ended: number[] = [];

  constructor(private readonly opts: IouTrackerOptions) {}

  update(detections: readonly Detection[], timestampMs: number): TrackedPerson[] {
    const pairs: { t: number; d: number; v: number }[] = [];
    this.tracks.forEach((track, t) =>
      detections.forEach((det, d) => {
        const v = iou(track.last.box, det.box);
        if (v >= this.opts.iouThreshold) pairs.push({ t, d, v });
      }),
    );
    pairs.sort((a, b) => b.v - a.v);
    const usedT = new Set<number>();
    const usedD = new Set<number>();
    const seen: Track[] = [];
    for (const p of pairs) {
      if (usedT.has(p.t) || usedD.has(p.d)) continue;
      usedT.add(p.t);
      usedD.add(p.d);
      const track = this.tracks[p.t]!;
      Object.assign(track, {
        last: detections[p.d]!,
        lastSeenMs: timestampMs,
        hits: track.hits + 1,
      });
      seen.push(track);
    }
    detections.forEach((det, d) => {
      if (usedD.has(d)) return;
      const track = {
        id: this.nextId++,
        last: det,
        hits: 1,
        firstSeenMs: timestampMs,
        lastSeenMs: timestampMs,
      };
      this.tracks.push(track);
      seen.push(track);
    });
    this.tracks = this.tracks.filter((t) => {
      const alive = timestampMs - t.lastSeenMs <= this.opts.maxLostMs;
      if (!alive && t.hits >= this.opts.minHits) this.ended.push(t.id);
      return alive;
    });
    return seen
      .filter((t) => t.hits >= this.opts.minHits)
      .map((t) => ({ ...t.last, trackId: t.id, hits: t.hits, firstSeenMs: t.firstSeenMs }));
  }

  takeEnded(): number[] {
    const e = this.ended;
    this.ended = [];
    return e;
  }
}
