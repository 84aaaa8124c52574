import type { PoseSample, TrackedPerson } from '../core/types';
import type { PoseScorer } from './pose-scorer';
import { pointInPolygon } from '../core/geometry';
import type { Rule, RuleFrame } from './rule';
import type { RuleEvent } from './rule-event';
import type { PixelZone } from './zones';

export interface AnomalyWatchOptions {
  /** A score at or above this near a shelf raises a concealment alert on its own. */
  threshold: number;
  /** Frames between two scorings of the same person. */
  everyFrames: number;
  fps: number;
  /** The camera: a per-camera model scores it against that camera's own normal. */
  camera: string;
}

interface Watch {
  score: number;
  frames: number;
  lastHighMs: number;
  person: TrackedPerson;
  /** The shelf the person is at now (for a new incident). */
  shelf?: PixelZone;
  /** The open incident: its zone and start are fixed, so its `end` matches its `start`. */
  open?: { zoneId: string; zoneName: string; startedAtMs: number };
}

const END_AFTER_MS = 3000;

/** A track's recent poses as a pose-tracks/v1 clip, frames numbered at the analysis rate. */
function clipOf(history: readonly PoseSample[], fps: number) {
  const t0 = history[0]!.timestampMs;
  const frames = history.map((h) => Math.round(((h.timestampMs - t0) * fps) / 1000));
  return {
    format: 'pose-tracks/v1' as const,
    clip: 'live',
    fps,
    frameCount: frames[frames.length - 1]! + 1,
    keypoints: 'coco17' as const,
    tracks: [
      {
        id: 'p',
        frames,
        keypoints: history.map((h) =>
          h.keypoints.map((k) => [k.x, k.y, k.score] as [number, number, number]),
        ),
      },
    ],
  };
}

/**
 * Scores live tracks with the site's pose anomaly model. The latest score of each person is kept
 * for evidence; a score above `threshold` while a wrist or the feet are in a shelf zone raises a
 * concealment alert on its own (never below the threshold).
 */
export class AnomalyWatcher implements Rule {
  readonly name = 'anomaly';
  private readonly watches = new Map<number, Watch>();

  constructor(
    private readonly model: PoseScorer,
    private shelves: readonly PixelZone[],
    private readonly opts: AnomalyWatchOptions,
  ) {}

  setZones(zones: readonly PixelZone[]): void {
    this.shelves = zones.filter((z) => z.kind === 'shelf');
  }

  scoreOf(trackId: number): number | undefined {
    return this.watches.get(trackId)?.score;
  }

  evaluate({ tracks: people, nowMs }: RuleFrame): RuleEvent[] {
    const events: RuleEvent[] = [];
    for (const p of people) {
      let w = this.watches.get(p.trackId);
      if (!w) this.watches.set(p.trackId, (w = { score: 0, frames: 0, lastHighMs: 0, person: p }));
      w.person = p;
      // A predicted box adds no pose to the history: nothing new to score.
      if (p.coasting) continue;
      const window = this.model.windowFrames(this.opts.fps);
      if (++w.frames % this.opts.everyFrames !== 0 || p.history.length < window) continue;
      const scores = this.model.scoreClip(
        clipOf(p.history.slice(-window * 2), this.opts.fps),
        this.opts.camera,
      );
      w.score = scores.reduce((m, v) => Math.max(m, v), 0);
      w.shelf = this.shelfNear(p);
      if (w.score >= this.opts.threshold && w.shelf) {
        w.lastHighMs = nowMs;
        if (!w.open) {
          w.open = { zoneId: w.shelf.id, zoneName: w.shelf.name, startedAtMs: nowMs };
          events.push(this.event('start', p, w, nowMs));
        }
      }
    }
    for (const [id, w] of this.watches) {
      const gone = !people.some((p) => p.trackId === id);
      if (w.open && nowMs - w.lastHighMs > END_AFTER_MS) {
        events.push(this.event('end', w.person, w, nowMs));
        w.open = undefined;
      }
      if (
        gone &&
        !w.open &&
        nowMs - w.person.history[w.person.history.length - 1]!.timestampMs > END_AFTER_MS
      )
        this.watches.delete(id);
    }
    return events;
  }

  /** Ends every open incident (camera stopping); nobody is watched any more. */
  flush(nowMs: number): RuleEvent[] {
    const events = [...this.watches.values()]
      .filter((w) => w.open)
      .map((w) => this.event('end', w.person, w, nowMs));
    this.watches.clear();
    return events;
  }

  private shelfNear(p: TrackedPerson): PixelZone | undefined {
    const pts = [p.keypoints[9], p.keypoints[10], p.keypoints[15], p.keypoints[16]].filter(
      (k) => k && k.score >= 0.3,
    );
    return this.shelves.find((z) => pts.some((k) => pointInPolygon(k!, z.polygon)));
  }

  /** An event of the open incident (`w.open`): the zone and start it opened with. */
  private event(type: 'start' | 'end', p: TrackedPerson, w: Watch, nowMs: number): RuleEvent {
    const open = w.open!;
    return {
      type,
      rule: 'concealment',
      zoneId: open.zoneId,
      zoneName: open.zoneName,
      trackId: p.trackId,
      startedAtMs: open.startedAtMs,
      atMs: nowMs,
      // How long the person has been scored unusual at the shelf.
      dwellMs: nowMs - open.startedAtMs,
      thresholdMs: 1,
      person: p,
      path: [],
      score: p.score,
      severity: w.score >= 2 * this.opts.threshold ? 'medium' : 'low',
      evidence: {
        steps: [{ step: 'unusual-pose-sequence', at: new Date(nowMs).toISOString(), region: null }],
        keypoints: {},
        anomalyScore: Math.round(w.score * 100) / 100,
      },
    };
  }
}
