import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { CameraConfig, Config } from '../config/schema';
import type { Box, Keypoint, PoseSample, TrackedPerson } from '../core/types';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import { AlertStateStore } from '../alerts/alert-state-store';
import { IncidentManager, policyFromConfig } from '../alerts/incidents';
import { createBehaviour } from '../behaviour/create-behaviour';
import { parsePoseTracks } from '../behaviour/pose-tracks';
import type { PoseTracks } from '../behaviour/pose-tracks';
import { FrameProcessor } from '../pipeline/frame-processor';
import type { PoseScorer } from '../behaviour/pose-scorer';
import type { CueNorms } from '../behaviour/concealment-cues';
import type { PoseEstimator } from '../pose/pose-estimator';
import { createTracker } from '../tracking/create-tracker';

/** One recorded person in one frame. */
export interface RecordedPerson {
  trackId: number;
  box: Box;
  keypoints: Keypoint[];
}

export interface RecordedFrame {
  atMs: number;
  people: RecordedPerson[];
}

/** An alert the rules would have raised: its start, as the daemon would have published it. */
export interface ReplayedAlert {
  camera: string;
  zone: string;
  rule: string;
  trackId: number;
  startedAtMs: number;
  atMs: number;
  severity?: string;
  /** The rule's own score of the person (concealment score, anomaly score), when it has one. */
  score?: number;
}

/** When a recording's frame 0 was: its startedAt, else the stamp in its clip name. */
export function chunkStartMs(doc: PoseTracks): number | undefined {
  if (doc.startedAt) return Date.parse(doc.startedAt);
  const m = /(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z$/.exec(doc.clip);
  return m ? Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`) : undefined;
}

/** A box around the confident keypoints (recordings made before boxes were kept). */
function boxOf(kps: Keypoint[]): Box {
  const seen = kps.filter((k) => k.score >= 0.2);
  const pts = seen.length > 0 ? seen : kps;
  const xs = pts.map((k) => k.x);
  const ys = pts.map((k) => k.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const pad = 0.1 * Math.max(x1 - x0, y1 - y0);
  return { x: x0 - pad, y: y0 - pad, w: x1 - x0 + 2 * pad, h: y1 - y0 + 2 * pad };
}

/** One recording file's frames since `sinceMs`, in time order, and when the file starts. */
export function framesOf(doc: PoseTracks, sinceMs: number): RecordedFrame[] {
  const t0 = chunkStartMs(doc);
  if (t0 === undefined) return [];
  const byTime = new Map<number, RecordedPerson[]>();
  for (const t of doc.tracks)
    t.frames.forEach((f, i) => {
      const atMs = t0 + (t.timesMs?.[i] ?? (f * 1000) / doc.fps);
      if (atMs < sinceMs) return;
      const keypoints = t.keypoints[i]!.map(([x, y, score]) => ({ x, y, score }));
      const b = t.boxes?.[i];
      const box = b ? { x: b[0], y: b[1], w: b[2], h: b[3] } : boxOf(keypoints);
      const people = byTime.get(atMs) ?? [];
      people.push({ trackId: Number(t.id), box, keypoints });
      byTime.set(atMs, people);
    });
  return [...byTime.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([atMs, people]) => ({ atMs, people }));
}

/**
 * A camera's recorded frames since `sinceMs` (dataDir/pose-tracks/<camera>/*.json), one file at a
 * time in time order (a week of a busy camera never sits in memory at once). Unreadable files are
 * logged and skipped: one torn file does not hide a week.
 */
export function* recordedChunks(
  dataDir: string,
  camera: string,
  sinceMs: number,
  log: Logger,
): Generator<RecordedFrame[]> {
  const dir = path.join(dataDir, 'pose-tracks', camera);
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  // Names carry the chunk's start time (<camera>-<ISO stamp>.json): their order is time order.
  for (const name of names.sort()) {
    let doc: PoseTracks;
    try {
      doc = parsePoseTracks(readFileSync(path.join(dir, name), 'utf8'), name);
    } catch (err) {
      log.warn({ file: name, err: errorMessage(err) }, 'pose recording skipped');
      continue;
    }
    const frames = framesOf(doc, sinceMs);
    if (frames.length > 0) yield frames;
  }
}

const noModel: PoseEstimator = {
  backend: 'none',
  estimate: () => Promise.reject(new Error('replay runs no model')),
  dispose: () => Promise.resolve(),
};

/**
 * One camera's rules and incident policy under one config, fed recorded frames in time order as
 * the daemon would have seen them (frames with nobody in view are filled in at the analysis
 * rate, so people leave zones on time). Collects the alerts it would have started.
 */
export class Replay {
  readonly alerts: ReplayedAlert[] = [];
  /** The highest concealment score among the people of the last frame (-Infinity: nobody). */
  frameScore = -Infinity;
  private readonly processor: FrameProcessor;
  private readonly incidents: IncidentManager;
  private readonly history = new Map<number, { firstSeenMs: number; poses: PoseSample[] }>();
  private readonly stepMs: number;
  private lastMs = -Infinity;

  constructor(
    private readonly config: Config,
    private readonly camera: CameraConfig,
    log: Logger,
    model?: PoseScorer,
    /** The camera's concealment cue norms; default: the model's, if it learned them. */
    cueNorms?: CueNorms,
  ) {
    this.processor = new FrameProcessor(
      camera,
      noModel,
      createTracker(config.tracking),
      createBehaviour(config, camera, model, false, cueNorms ?? model?.cueNorms?.(camera.id)),
    );
    this.incidents = new IncidentManager(
      policyFromConfig(config),
      new AlertStateStore(undefined, log),
    );
    this.stepMs = 1000 / camera.analysis.fps;
  }

  push(f: RecordedFrame): void {
    // Nobody recorded: the daemon still saw empty frames (up to a minute of them per gap).
    for (
      let t = this.lastMs + this.stepMs;
      t < f.atMs - this.stepMs / 2 && t - this.lastMs <= 60_000;
      t += this.stepMs
    )
      this.evaluate(t, []);
    this.lastMs = f.atMs;
    const keep = this.config.tracking.historySize;
    this.evaluate(
      f.atMs,
      f.people.map((p) => toTracked(p, f.atMs, this.history, keep)),
    );
  }

  /** Ends what is open; answers every alert started. */
  finish(): ReplayedAlert[] {
    for (const e of this.processor.flush(this.lastMs + this.stepMs, 'ended'))
      this.incidents.handle(this.camera.id, e);
    return this.alerts;
  }

  private evaluate(atMs: number, tracks: TrackedPerson[]): void {
    for (const e of this.processor.replay(tracks, atMs)) {
      const d = this.incidents.handle(this.camera.id, e);
      if (d?.publish === 'start')
        this.alerts.push({
          camera: this.camera.id,
          zone: e.zoneId,
          rule: e.rule,
          trackId: e.trackId,
          startedAtMs: e.startedAtMs,
          atMs: e.atMs,
          severity: d.incident.severity,
          score: e.evidence?.concealmentScore ?? e.evidence?.anomalyScore,
        });
    }
    this.frameScore = this.processor.concealmentScore(tracks);
  }
}

function toTracked(
  p: RecordedPerson,
  atMs: number,
  history: Map<number, { firstSeenMs: number; poses: PoseSample[] }>,
  keep: number,
): TrackedPerson {
  let h = history.get(p.trackId);
  if (!h || atMs - (h.poses.at(-1)?.timestampMs ?? atMs) > 10_000)
    history.set(p.trackId, (h = { firstSeenMs: atMs, poses: [] }));
  h.poses.push({ timestampMs: atMs, box: p.box, score: 1, keypoints: p.keypoints });
  if (h.poses.length > keep) h.poses.shift();
  return {
    trackId: p.trackId,
    box: p.box,
    score: 1,
    keypoints: p.keypoints,
    hits: h.poses.length,
    firstSeenMs: h.firstSeenMs,
    history: [...h.poses],
  };
}
