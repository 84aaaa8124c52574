import type { CameraConfig, Config } from './config/schema';
import type { ConfigChange } from './config/config-store';
import type { Clock } from './core/clock';
import type { Logger } from './core/logger';
import type { FfmpegBinary } from './camera/ffmpeg-binary';
import type { CameraPipeline } from './pipeline/camera-pipeline';
import { createCameraPipeline } from './pipeline/create-camera-pipeline';
import { copyFrame } from './pipeline/frame-processor';
import type { AlertService } from './alerts/alert-service';
import { renderScene } from './alerts/snapshot';
import { blurHeads } from './alerts/head-blur';
import type { PoseScorer } from './behaviour/pose-scorer';
import type { PoseEstimator } from './pose/pose-estimator';
import type { WorkerPoolEstimator } from './pose/worker-pool-estimator';
import type { ClipService } from './clips/clip-service';
import type { Metrics } from './metrics/metrics';

/** What every camera's pipeline is built from: the daemon's shared parts, started before it. */
export interface FleetParts {
  ffmpeg: FfmpegBinary;
  estimator: PoseEstimator;
  pool: WorkerPoolEstimator | undefined;
  anomalyModel: PoseScorer | undefined;
  alerts: AlertService;
  clips: ClipService;
  metrics: Metrics;
  clock: Clock;
  log: Logger;
}

/**
 * The camera lifecycle of the daemon: one pipeline per enabled camera, started, restarted alone
 * when its config changes (or only given new zones), stopped; and the newest analysed frame of
 * each, drawn.
 */
export class CameraFleet {
  readonly pipelines: CameraPipeline[] = [];
  /** Per camera, where a restarted pipeline's track ids start (ids never repeat on a camera). */
  private readonly nextTrackIds = new Map<string, number>();

  constructor(
    private config: Config,
    private readonly parts: FleetParts,
  ) {}

  startAll(): void {
    for (const cam of this.config.cameras.filter((c) => c.enabled)) this.start(cam);
  }

  /**
   * Applies the camera changes of a saved config: changed zones reach their camera's next frame,
   * a camera whose source or analysis changed restarts alone, added and removed cameras start
   * and stop.
   */
  async apply(config: Config, changes: ConfigChange['cameras']): Promise<void> {
    this.config = config;
    for (const c of changes) {
      const cam = config.cameras.find((x) => x.id === c.id);
      const running = this.pipelines.filter((p) => p.config.id === c.id);
      if (c.change === 'zones' && running.length === 1 && cam) {
        running[0]!.updateZones(cam);
        continue;
      }
      for (const p of running) {
        // Every rule's open incidents end here; the next pipeline's track ids continue.
        await p.stop();
        this.nextTrackIds.set(c.id, p.nextTrackId);
        this.pipelines.splice(this.pipelines.indexOf(p), 1);
      }
      if (cam?.enabled) this.start(cam);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.pipelines.map((c) => c.stop()));
  }

  /** The newest analysed frame of a camera with its tracks and zones drawn. */
  async latestFrame(id: string, withZones = true): Promise<Buffer | undefined> {
    const p = this.pipelines.find((c) => c.config.id === id);
    const latest = p?.latest;
    if (!latest) return undefined;
    // The live frame leaves the box too: heads pixelated unless privacy.blurHeads is off. Either
    // way a copy: the pipeline gives the frame's buffer to a later frame while this one renders.
    const frame = p.config.privacy.blurHeads
      ? blurHeads(latest.frame, latest.people)
      : copyFrame(latest.frame);
    return renderScene(frame, latest.tracks, withZones ? p.zones : []);
  }

  private start(cam: CameraConfig): void {
    const { estimator, alerts, ffmpeg, clips, clock, log, metrics } = this.parts;
    const pipeline = createCameraPipeline(
      this.config,
      cam,
      {
        estimator,
        anomalyModel: this.parts.anomalyModel,
        recordPoses: true,
        firstTrackId: this.nextTrackIds.get(cam.id),
      },
      {
        ffmpeg,
        dispatcher: alerts.dispatcher,
        clipRing: clips.ringFor(cam),
        clock,
        log: log.child({ camera: cam.id }),
        onStatus: (s) => alerts.publishStatus(s),
        onHealth: (e, s) => alerts.publishHealth(e, s),
        onTamper: (n, ref) => alerts.publishTamper(n, ref),
        inferencePool: () => this.parts.pool?.status(),
      },
    );
    pipeline.onProcessed = (p) => {
      if (!p.coasted) metrics.observeInference(cam.id, p.inferenceMs);
    };
    this.pipelines.push(pipeline);
    pipeline.start();
  }
}
