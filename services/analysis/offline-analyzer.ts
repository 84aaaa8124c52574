import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import type { CameraConfig, Config } from '../config/schema';
import type { Logger } from '../core/logger';
import type { Frame } from '../core/types';
import type { FfmpegBinary } from '../camera/ffmpeg-binary';
import { FfmpegProcess } from '../camera/ffmpeg-process';
import { FrameProcessor, blankFrame } from '../pipeline/frame-processor';
import { MotionGate } from '../pipeline/motion-gate';
import type { ProcessedFrame } from '../pipeline/frame-processor';
import { AlertDispatcher } from '../alerts/alert-dispatcher';
import { JsonlAlertOutput } from '../alerts/jsonl-alert-output';
import { AlertStateStore } from '../alerts/alert-state-store';
import { IncidentManager, policyFromConfig } from '../alerts/incidents';
import type { PoseEstimator } from '../pose/pose-estimator';
import { createTracker } from '../tracking/create-tracker';
import { loadPoseScorer } from '../behaviour/pose-scorer';
import { createBehaviour } from '../behaviour/create-behaviour';
import { motLine, scaleBox, sourceFrameNumber } from './mot-format';

export interface AnalyzeOptions {
  input: string;
  everyFrame: boolean;
  tracksOut?: string;
  detectionsOut?: string;
  alertsOut?: string;
  /** Stop after this many analysed frames. */
  maxFrames?: number;
  /** Called with every analysed frame (benchmarks keep the detections). */
  onFrame?: (p: ProcessedFrame, frameNumber: number) => void;
  /** Called about once a second with progress. */
  onProgress?: (p: AnalyzeProgress) => void;
  /**
   * Gate frames and tiles by motion as the daemon does (camera.motion). A skipped frame reports
   * the tracks held from the last analysed one, as the daemon's state would be.
   */
  motionGate?: boolean;
  /**
   * The model sees every Nth analysed frame; the others are tracked on prediction, as the daemon
   * does when its model is busy (inference.coastWhenBusy). 1 (default): the model sees them all.
   */
  modelEvery?: number;
}

export interface AnalyzeProgress {
  frames: number;
  elapsedMs: number;
}

export interface AnalyzeResult {
  frames: number;
  elapsedMs: number;
  fps: number;
  detections: number;
  trackIds: number;
  alerts: number;
  /** Frames the motion gate let pass without inference (0 without `motionGate`). */
  skippedNoMotion: number;
  /** Frames tracked on prediction (`modelEvery`). */
  coasted: number;
  source: { width: number; height: number; fps: number | undefined } | undefined;
}

/**
 * Runs a video file through the same FrameProcessor as the live daemon, as fast as the machine
 * allows: frames are pulled one at a time, so nothing is dropped and nothing queues. Frame times
 * are video time (frame index / fps), so dwell rules see the clip's real seconds.
 */
export interface AnalyzerDeps {
  config: Config;
  camera: CameraConfig;
  estimator: PoseEstimator;
  ffmpeg: FfmpegBinary;
  log: Logger;
}

export async function analyzeFile(
  deps: AnalyzerDeps,
  opts: AnalyzeOptions,
): Promise<AnalyzeResult> {
  const { config, camera, estimator, log } = deps;
  const fps = opts.everyFrame ? undefined : camera.analysis.fps;
  const { width, height } = camera.analysis;
  const proc = new FfmpegProcess(
    deps.ffmpeg,
    { url: opts.input, loop: false, realtime: false, rtspTransport: 'tcp', ioTimeoutSeconds: 10 },
    { width, height, fps },
    log,
  );
  const model = config.behaviour.anomalyModelDir
    ? await loadPoseScorer(config.behaviour.anomalyModelDir)
    : undefined;
  const processor = new FrameProcessor(
    camera,
    estimator,
    createTracker(config.tracking),
    createBehaviour(config, camera, model, false),
  );
  const outputs = opts.alertsOut ? [new JsonlAlertOutput(opts.alertsOut)] : [];
  const incidents = new IncidentManager(
    policyFromConfig(config),
    new AlertStateStore(undefined, log),
  );
  const dispatcher = new AlertDispatcher(
    outputs,
    incidents,
    {
      dataDir: config.dataDir,
      snapshotQuality: config.alerts.snapshotQuality,
      snapshotWidth: config.alerts.snapshotWidth,
    },
    log,
  );
  const tracksOut = opts.tracksOut ? createWriteStream(opts.tracksOut) : undefined;
  const detsOut = opts.detectionsOut ? createWriteStream(opts.detectionsOut) : undefined;
  const ref = { id: camera.id, name: camera.name, width, height };
  const ids = new Set<number>();
  const started = performance.now();
  const epochMs = Date.now();
  let frames = 0;
  let detections = 0;
  let alerts = 0;
  let lastProgress = started;
  const gate = opts.motionGate ? new MotionGate(camera) : undefined;
  let held: ProcessedFrame['tracks'] = [];
  let skipped = 0;
  let passed = 0;
  let coasted = 0;
  const modelEvery = opts.modelEvery ?? 1;
  if (!Number.isInteger(modelEvery) || modelEvery < 1)
    throw new RangeError('modelEvery must be an integer >= 1');
  proc.start();
  try {
    for await (const rgb of proc.frames()) {
      const srcFps = proc.sourceInfo?.fps;
      const stepMs = 1000 / (fps ?? srcFps ?? 25);
      const frame: Frame = {
        camera: camera.id,
        index: frames,
        timestampMs: epochMs + frames * stepMs,
        width,
        height,
        rgb,
      };
      const decision = gate
        ? gate.decide(frame, held)
        : { analyse: true as const, focus: undefined };
      const coast = decision.analyse && passed++ % modelEvery !== 0;
      if (coast) coasted++;
      const p: ProcessedFrame = !decision.analyse
        ? { frame, detections: [], tracks: held, people: held, events: [], inferenceMs: 0 }
        : coast
          ? processor.coast(frame)
          : await processor.process(frame, decision.focus);
      held = p.tracks;
      if (!decision.analyse) skipped++;
      const number = sourceFrameNumber(frames, srcFps, fps);
      writeMot(p, number, proc.sourceInfo ?? { width, height }, { tracksOut, detsOut });
      detections += p.detections.length;
      p.tracks.forEach((tr) => ids.add(tr.trackId));
      alerts += (await dispatcher.dispatch(ref, frame, processor.zones, p.events)).length;
      opts.onFrame?.(p, number);
      frames++;
      if (opts.maxFrames !== undefined && frames >= opts.maxFrames) break;
      if (opts.onProgress && performance.now() - lastProgress >= 1000) {
        lastProgress = performance.now();
        opts.onProgress({ frames, elapsedMs: lastProgress - started });
      }
    }
    const end = processor.flush(epochMs + frames * (1000 / (fps ?? proc.sourceInfo?.fps ?? 25)));
    alerts += (await dispatcher.dispatch(ref, blankFrame(camera, Date.now()), processor.zones, end))
      .length;
  } finally {
    await Promise.all([closeStream(tracksOut), closeStream(detsOut)]);
    await proc.stop();
  }
  const exit = await proc.exited;
  if (exit.error && !exit.requested)
    throw new Error(`ffmpeg failed on ${opts.input}: ${exit.error}`);
  const elapsedMs = performance.now() - started;
  const source = proc.sourceInfo
    ? { width: proc.sourceInfo.width, height: proc.sourceInfo.height, fps: proc.sourceInfo.fps }
    : undefined;
  return {
    frames,
    elapsedMs,
    fps: frames / (elapsedMs / 1000),
    detections,
    trackIds: ids.size,
    alerts,
    skippedNoMotion: skipped,
    coasted,
    source,
  };
}

function writeMot(
  p: ProcessedFrame,
  frameNumber: number,
  source: { width: number; height: number },
  out: { tracksOut?: WriteStream; detsOut?: WriteStream },
): void {
  const sx = source.width / p.frame.width;
  const sy = source.height / p.frame.height;
  if (out.detsOut) {
    for (const d of p.detections)
      out.detsOut.write(`${motLine(frameNumber, -1, scaleBox(d.box, sx, sy), d.score)}\n`);
  }
  if (out.tracksOut) {
    for (const t of p.tracks)
      out.tracksOut.write(`${motLine(frameNumber, t.trackId, scaleBox(t.box, sx, sy), t.score)}\n`);
  }
}

function closeStream(s: WriteStream | undefined): Promise<void> {
  return new Promise((resolve, reject) =>
    s ? s.end((err?: Error | null) => (err ? reject(err) : resolve())) : resolve(),
  );
}
