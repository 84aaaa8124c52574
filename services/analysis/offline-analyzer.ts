import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import type { CameraConfig, Config } from '../config/schema';
import type { Logger } from '../core/logger';
import type { Frame } from '../core/types';
import type { FfmpegBinary } from '../camera/ffmpeg-binary';
import { FfmpegProcess } from '../camera/ffmpeg-process';
import { ManualClock } from '../core/clock';
import { createCameraPipeline } from '../pipeline/create-camera-pipeline';
import type { ProcessedFrame } from '../pipeline/frame-processor';
import { AlertDispatcher } from '../alerts/alert-dispatcher';
import { JsonlAlertOutput } from '../alerts/jsonl-alert-output';
import { AlertStateStore } from '../alerts/alert-state-store';
import { IncidentManager, policyFromConfig } from '../alerts/incidents';
import type { PoseEstimator } from '../pose/pose-estimator';
import { loadPoseScorer } from '../behaviour/pose-scorer';
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
   * Motion gating on or off, whatever camera.motion.enabled says (default: as the camera is
   * configured, like the daemon). A skipped frame reports the tracks held from the last analysed
   * one, as the daemon's state would be.
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
 * Runs a video file through the live daemon's own camera pipeline (createCameraPipeline, its
 * step: tamper watch, motion gate, model or coast, rules, incidents), as fast as the machine
 * allows: frames are pulled one at a time, so nothing is dropped and nothing queues. Frame times
 * and the pipeline's clock are video time (frame index / fps), so dwell rules see the clip's
 * real seconds and every figure measured here is the daemon's.
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
  const { config, log } = deps;
  const camera = gated(deps.camera, opts.motionGate);
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
  let alerts = 0;
  const counted = { send: () => void alerts++ };
  const outputs = opts.alertsOut ? [new JsonlAlertOutput(opts.alertsOut), counted] : [counted];
  const dispatcher = new AlertDispatcher(
    outputs,
    new IncidentManager(policyFromConfig(config), new AlertStateStore(undefined, log)),
    {
      dataDir: config.dataDir,
      snapshotQuality: config.alerts.snapshotQuality,
      snapshotWidth: config.alerts.snapshotWidth,
    },
    log,
  );
  // The daemon's own pipeline on a virtual clock: it reads video time (frame index / fps).
  const clock = new ManualClock(Date.now());
  const epochMs = clock.now();
  const modelEvery = opts.modelEvery ?? 1;
  if (!Number.isInteger(modelEvery) || modelEvery < 1)
    throw new RangeError('modelEvery must be an integer >= 1');
  const pipeline = createCameraPipeline(
    config,
    camera,
    { estimator: deps.estimator, anomalyModel: model, recordPoses: false },
    { ffmpeg: deps.ffmpeg, dispatcher, clock, log },
    { ...config.inference, modelEvery: modelEvery > 1 ? modelEvery : undefined },
  );
  const tracksOut = opts.tracksOut ? createWriteStream(opts.tracksOut) : undefined;
  const detsOut = opts.detectionsOut ? createWriteStream(opts.detectionsOut) : undefined;
  const ids = new Set<number>();
  const started = performance.now();
  let frames = 0;
  let detections = 0;
  let lastProgress = started;
  let held: ProcessedFrame['tracks'] = [];
  const stepMs = () => 1000 / (fps ?? proc.sourceInfo?.fps ?? 25);
  proc.start();
  try {
    for await (const rgb of proc.frames()) {
      const frame: Frame = {
        camera: camera.id,
        index: frames,
        timestampMs: epochMs + frames * stepMs(),
        width,
        height,
        rgb,
      };
      clock.set(frame.timestampMs);
      // A frame the motion gate skipped leaves the tracks as they were (the daemon's state).
      const p: ProcessedFrame = (await pipeline.step(frame)) ?? {
        frame,
        detections: [],
        tracks: held,
        people: held,
        events: [],
        inferenceMs: 0,
      };
      held = p.tracks;
      const number = sourceFrameNumber(frames, proc.sourceInfo?.fps, fps);
      writeMot(p, number, proc.sourceInfo ?? { width, height }, { tracksOut, detsOut });
      detections += p.detections.length;
      p.tracks.forEach((tr) => ids.add(tr.trackId));
      opts.onFrame?.(p, number);
      frames++;
      if (opts.maxFrames !== undefined && frames >= opts.maxFrames) {
        // Asked before the frame stream closes under ffmpeg, so its exit is not an error.
        void proc.stop();
        break;
      }
      if (opts.onProgress && performance.now() - lastProgress >= 1000) {
        lastProgress = performance.now();
        opts.onProgress({ frames, elapsedMs: lastProgress - started });
      }
    }
    // The file ended: every open incident ends one frame after the last one.
    clock.set(epochMs + frames * stepMs());
    await pipeline.stop();
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
  const status = pipeline.status();
  return {
    frames,
    elapsedMs,
    fps: frames / (elapsedMs / 1000),
    detections,
    trackIds: ids.size,
    alerts,
    skippedNoMotion: status.skippedNoMotion,
    coasted: status.framesCoasted,
    source,
  };
}

/** The camera with motion gating forced on or off (`motionGate`), else as configured. */
function gated(camera: CameraConfig, motionGate: boolean | undefined): CameraConfig {
  if (motionGate === undefined) return camera;
  return { ...camera, motion: { ...camera.motion, enabled: motionGate } };
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
