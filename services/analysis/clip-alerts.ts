import type { CameraConfig, Config } from '../config/schema';
import type { Logger } from '../core/logger';
import type { PoseScorer } from '../behaviour/pose-scorer';
import type { CueNorms } from '../behaviour/concealment-cues';
import type { PoseTracks } from '../behaviour/pose-tracks';
import { cameraOf } from '../behaviour/pose-zscore';
import { Replay, chunkStartMs, framesOf } from './replay';
import type { RecordedFrame } from './replay';

/** An alert a clerk would have got from a clip: the frame it started on (0-based). */
export interface ClipAlert {
  frame: number;
  rule: string;
  severity: string;
  score: number;
}

export interface ClipResult {
  alerts: ClipAlert[];
  /** Per frame, the highest concealment score of the people in view (-10 for nobody). */
  scores: Float32Array;
}

/** Frame 0 of a clip with no capture time (PoseLift): a fixed noon, so no quiet hours apply. */
const VIRTUAL_EPOCH_MS = Date.UTC(2025, 0, 6, 12);
export const NOBODY_SCORE = -10;

/** The camera a clip is analysed as: its own entry in config (by id), else the first, at its fps. */
export function cameraForClip(config: Config, doc: PoseTracks): CameraConfig {
  const id = cameraOf(doc);
  const base = config.cameras.find((c) => c.id === id) ?? config.cameras[0]!;
  return { ...base, id, analysis: { ...base.analysis, fps: doc.fps } };
}

/**
 * Runs one pose-tracks/v1 clip (PoseLift, or one of the daemon's own recordings) through the
 * daemon's per-frame rules and incident policy (analysis/replay.ts: FrameProcessor + IncidentManager)
 * on a virtual clock at the clip's fps: every alert a clerk would have got, and each frame's score.
 */
export function clipAlerts(
  config: Config,
  doc: PoseTracks,
  log: Logger,
  model?: PoseScorer,
  cueNorms?: CueNorms,
): ClipResult {
  const t0 = chunkStartMs(doc) ?? VIRTUAL_EPOCH_MS;
  const stepMs = 1000 / doc.fps;
  const frameOf = (atMs: number) => Math.round((atMs - t0) / stepMs);
  const recorded = new Map<number, RecordedFrame>();
  for (const f of framesOf({ ...doc, startedAt: new Date(t0).toISOString() }, -Infinity))
    recorded.set(frameOf(f.atMs), f);
  const replay = new Replay(config, cameraForClip(config, doc), log, model, cueNorms);
  const scores = new Float32Array(doc.frameCount).fill(NOBODY_SCORE);
  for (let i = 0; i < doc.frameCount; i++) {
    replay.push(recorded.get(i) ?? { atMs: t0 + i * stepMs, people: [] });
    if (Number.isFinite(replay.frameScore)) scores[i] = replay.frameScore;
  }
  const alerts = replay.finish().map((a) => ({
    frame: Math.max(0, Math.min(doc.frameCount - 1, frameOf(a.atMs))),
    rule: a.rule,
    severity: a.severity ?? 'medium',
    score: Math.round((a.score ?? 0) * 1000) / 1000,
  }));
  return { alerts, scores };
}
