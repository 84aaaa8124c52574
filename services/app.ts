import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CameraConfig, Config } from './config/schema';
import { ConfigStore } from './config/config-store';
import { parseConfig } from './config/load';
import path from 'node:path';
import type { ConfigChange, Version } from './config/config-store';
import { Metrics } from './metrics/metrics';
import { renderScene } from './alerts/snapshot';
import { systemClock } from './core/clock';
import type { Clock } from './core/clock';
import { VigilError } from './core/errors';
import type { Logger } from './core/logger';
import { packageVersion } from './core/package-info';
import { resolveFfmpeg } from './camera/ffmpeg-binary';
import type { FfmpegBinary } from './camera/ffmpeg-binary';
import { CameraPipeline } from './pipeline/camera-pipeline';
import { grabStill } from './camera/still-grabber';
import { FrameProcessor } from './pipeline/frame-processor';
import { AlertService } from './alerts/alert-service';
import { quietHoursOf } from './alerts/incidents';
import type { PoseScorer } from './behaviour/pose-scorer';
import { createBehaviour } from './behaviour/create-behaviour';
import { EmbeddedBroker } from './alerts/embedded-broker';
import { haDiscoveryEnabled } from './alerts/ha-discovery';
import { blurHeads } from './alerts/head-blur';
import { availabilityTopic } from './alerts/topics';
import { MqttPublisher } from './alerts/mqtt-publisher';
import { buildApi } from './api/server';
import type { ApiServer } from './api/api-context';
import { autoWorkers, startEstimator } from './pose/start-estimator';
import { modelCacheDir } from './pose/load-estimator';
import type { WorkerPoolEstimator } from './pose/worker-pool-estimator';
import type { PoseEstimator } from './pose/pose-estimator';
import type { BackendChoice } from './pose/engines/pose-engine';
import { createTracker } from './tracking/create-tracker';
import { ClipService } from './clips/clip-service';
import { startPush } from './push/start-push';
import type { PushParts } from './push/start-push';
import { warnPlainHttpOnLan } from './api/tls-warning';

export interface AppOptions {
  clock?: Clock;
  /** Receives the one-line human summary of each alert (main prints it). */
  announce?: (line: string) => void;
  /** The config file, so the API can change and persist it. */
  configFile?: string;
}

export interface AppAddresses {
  api: string | null;
  mqttUrl: string;
}

/** The composition root: builds everything, starts in dependency order, stops in reverse. */
export class VigilApp {
  readonly cameras: CameraPipeline[] = [];
  private broker: EmbeddedBroker | undefined;
  private mqtt: MqttPublisher | undefined;
  private alerts: AlertService | undefined;
  private anomalyModel: PoseScorer | undefined;
  private estimator: PoseEstimator | undefined;
  private pool: WorkerPoolEstimator | undefined;
  private backend: BackendChoice = { name: 'cpu', skipped: [] };
  private api: ApiServer | undefined;
  private push: PushParts | undefined;
  private readonly clock: Clock;
  private readonly startedAt = new Date().toISOString();
  private ffmpeg: FfmpegBinary | undefined;
  private readonly clips: ClipService;
  private readonly metrics: Metrics = new Metrics({
    cameras: () => this.cameras.map((c) => c.status()),
    alertsByRule: () => this.alerts?.dispatcher.byRule ?? new Map(),
    outboxDepth: () => this.alerts?.outbox.depth ?? 0,
    outboxDropped: () => this.alerts?.outbox.dropped ?? 0,
    outbox: () => this.alerts?.outbox.health(),
    feedback: () => this.alerts?.feedback.rows() ?? [],
    inferencePool: () => this.pool?.status(),
  });

  constructor(
    public config: Config,
    private readonly log: Logger,
    private readonly opts: AppOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.clips = new ClipService(
      config,
      () => this.ffmpeg,
      this.clock,
      log.child({ module: 'clips' }),
    );
  }

  async start(): Promise<AppAddresses> {
    const ffmpeg = resolveFfmpeg();
    this.ffmpeg = ffmpeg;
    this.log.info(
      { ffmpeg: ffmpeg.path, version: ffmpeg.version, origin: ffmpeg.origin },
      'ffmpeg found',
    );
    const { url: mqttUrl, publisher } = await this.startMqtt();
    const loaded = await startEstimator(
      this.config.inference,
      this.config.logLevel,
      this.log.child({ module: 'pose' }),
      this.config.cameras.filter((c) => c.enabled).length,
      modelCacheDir(this.config.dataDir),
    );
    this.estimator = loaded.estimator;
    this.backend = loaded.backend;
    this.pool = loaded.pool;
    if (this.config.behaviour.anomalyModelDir) {
      // tfjs stays out of the main thread unless an autoencoder runs here (workers hold the pose model).
      const { loadPoseScorer } = await import('./behaviour/pose-scorer.js');
      const model = await loadPoseScorer(this.config.behaviour.anomalyModelDir);
      this.anomalyModel = model;
      this.log.info(
        {
          dir: this.config.behaviour.anomalyModelDir,
          kind: model.kind,
          windows: model.trainedWindows,
        },
        'pose anomaly model loaded',
      );
    }
    this.alerts = new AlertService(
      this.config,
      publisher,
      this.clock,
      this.log.child({ module: 'alerts' }),
      this.opts.announce,
      (url) => grabStill(url, ffmpeg),
      this.clips,
    );
    await this.alerts.start();
    this.push = startPush(
      () => this.config,
      this.alerts,
      this.metrics.registry,
      this.clock,
      this.log.child({ module: 'push' }),
    );
    this.startCameras(ffmpeg);
    const api = await this.startApi();
    return { api, mqttUrl };
  }

  async stop(): Promise<void> {
    await this.api?.close();
    await Promise.all(this.cameras.map((c) => c.stop()));
    await this.push?.stop();
    await this.alerts?.stop();
    await this.mqtt?.stop();
    await this.broker?.stop();
    await this.estimator?.dispose();
  }

  private async startMqtt(): Promise<{ url: string; publisher: MqttPublisher }> {
    const m = this.config.mqtt;
    let url = m.url;
    let login = { username: m.username, password: m.password };
    if (url === '' || url === 'embedded') {
      // Vigil's own login to its broker: fresh at every start, in memory only.
      login = { username: 'vigil', password: randomBytes(24).toString('base64url') };
      this.broker = new EmbeddedBroker(
        m.embeddedHost,
        m.embeddedPort,
        this.log.child({ module: 'broker' }),
        {
          users: m.users,
          vigil: { ...login, clientId: m.clientId },
          discoveryPrefix: haDiscoveryEnabled(this.config) ? m.homeAssistant.prefix : '',
        },
        m.embeddedCertFile
          ? {
              port: m.embeddedTlsPort,
              cert: readFileSync(m.embeddedCertFile),
              key: readFileSync(m.embeddedKeyFile),
            }
          : undefined,
      );
      const port = await this.broker.start();
      // With TLS, the plain listener is on loopback only.
      url = `mqtt://${m.embeddedCertFile ? '127.0.0.1' : m.embeddedHost}:${port}`;
    }
    const pem = (file: string) => (file ? readFileSync(file) : undefined);
    this.mqtt = new MqttPublisher(
      {
        url,
        // Several daemons on one broker: each its own client id and availability (mqtt.nodeId).
        clientId: m.nodeId && m.clientId === 'vigil' ? `vigil-${m.nodeId}` : m.clientId,
        availabilityTopic: availabilityTopic(m.nodeId),
        ...login,
        tls: { ca: pem(m.caFile), cert: pem(m.certFile), key: pem(m.keyFile) },
      },
      this.log.child({ module: 'mqtt' }),
    );
    await this.mqtt.start();
    return { url, publisher: this.mqtt };
  }

  private startCameras(ffmpeg: FfmpegBinary): void {
    this.ffmpeg = ffmpeg;
    for (const cam of this.config.cameras.filter((c) => c.enabled)) this.startCamera(cam);
  }

  private startCamera(cam: CameraConfig): void {
    const { estimator, alerts, ffmpeg } = this;
    if (!estimator || !alerts || !ffmpeg)
      throw new VigilError('VIGIL_ERR_INVARIANT', 'camera started before model, ffmpeg and alerts');
    const pipeline = new CameraPipeline(
      cam,
      {
        ffmpeg,
        processor: new FrameProcessor(
          cam,
          estimator,
          createTracker(this.config.tracking),
          createBehaviour(this.config, cam, this.anomalyModel, true),
        ),
        dispatcher: alerts.dispatcher,
        clipRing: this.clips.ringFor(cam),
        clock: this.clock,
        log: this.log.child({ camera: cam.id }),
        onStatus: (s) => alerts.publishStatus(s),
        onHealth: (e, s) => alerts.publishHealth(e, s),
        onTamper: (n, ref) => alerts.publishTamper(n, ref),
        inferencePool: () => this.pool?.status(),
      },
      this.config.inference,
    );
    pipeline.onProcessed = (p) => {
      if (!p.coasted) this.metrics.observeInference(cam.id, p.inferenceMs);
    };
    this.cameras.push(pipeline);
    pipeline.start();
  }

  /**
   * Applies a config saved through the API: changed zones reach their camera's next frame, quiet
   * hours the next incident, a camera whose source or analysis changed restarts alone, added and
   * removed cameras start and stop. Other sections apply at the next restart (reported to the
   * caller). The ConfigStore calls it one change at a time, and after a throw here it applies
   * the previous version, which restarts whatever this one stopped.
   */
  async applyConfig(v: Version, change: ConfigChange): Promise<void> {
    this.config = v.config;
    this.clips.setConfig(v.config);
    this.alerts?.incidents.setQuietHours(quietHoursOf(v.config));
    for (const c of change.cameras) {
      const cam = v.config.cameras.find((x) => x.id === c.id);
      const running = this.cameras.filter((p) => p.config.id === c.id);
      if (c.change === 'zones' && running.length === 1 && cam) {
        running[0]!.updateZones(cam);
        continue;
      }
      for (const p of running) {
        await p.stop();
        this.cameras.splice(this.cameras.indexOf(p), 1);
      }
      if (cam?.enabled) this.startCamera(cam);
    }
    if (this.pool && v.config.inference.workers === 'auto')
      await this.pool.grow(autoWorkers(v.config.inference, this.cameras.length));
    if (change.cameras.some((c) => c.change !== 'zones')) this.alerts?.haDiscovery.sync(v.config);
    this.log.info(
      { cameras: change.cameras, restartRequired: change.restartRequired },
      'config applied',
    );
  }

  /** The newest analysed frame of a camera with its tracks and zones drawn. */
  private async latestFrame(id: string, withZones = true): Promise<Buffer | undefined> {
    const p = this.cameras.find((c) => c.config.id === id);
    const latest = p?.latest;
    if (!latest) return undefined;
    // The live frame leaves the box too: heads pixelated unless privacy.blurHeads is off.
    const frame = p.config.privacy.blurHeads
      ? blurHeads(latest.frame, latest.people)
      : latest.frame;
    return renderScene(frame, latest.tracks, withZones ? p.zones : []);
  }

  private async startApi(): Promise<string | null> {
    const a = this.config.api;
    if (!a.enabled) return null;
    this.api = buildApi(
      {
        cameras: () => this.cameras.map((c) => c.status()),
        backend: () => this.backend,
        mqttConnected: () => this.mqtt?.connected ?? false,
        outbox: () => this.alerts?.outbox.health(),
        startedAt: this.startedAt,
        version: packageVersion(),
        tokens: () => this.config.api.tokens,
        rateLimitPerMinute: a.rateLimitPerMinute,
        configStore: this.opts.configFile
          ? new ConfigStore(this.opts.configFile, process.env)
          : undefined,
        applyConfig: (v, change) => this.applyConfig(v, change),
        history: this.alerts?.history,
        snoozes: this.alerts,
        clerk: this.alerts,
        dataDir: this.config.dataDir,
        latestFrame: (id, withZones) => this.latestFrame(id, withZones),
        tune: async (candidate, sinceMs) => {
          const { tune } = await import('./analysis/tune.js');
          for (const c of this.cameras) c.flushRecording();
          const base = this.opts.configFile
            ? path.dirname(path.resolve(this.opts.configFile))
            : undefined;
          const next =
            candidate === undefined
              ? this.config
              : parseConfig(candidate, { env: process.env, baseDir: base });
          return tune(this.config, next, sinceMs, this.log.child({ module: 'tune' }));
        },
        clips: {
          find: (id) => this.clips.find(id),
          recordDownload: (by, alertId, detail) =>
            this.alerts?.audit.record({
              at: new Date(this.clock.now()).toISOString(),
              by,
              via: 'api',
              action: 'clip-download',
              target: alertId,
              detail,
            }),
        },
        metrics: this.metrics,
        push: this.push?.push,
        answerTimes: this.push?.answerTimes,
      },
      this.log.child({ module: 'api' }),
      { certFile: a.tlsCertFile, keyFile: a.tlsKeyFile },
    );
    warnPlainHttpOnLan(a, this.log);
    try {
      return await this.api.listen({ host: a.host, port: a.port });
    } catch (err) {
      throw new VigilError(
        'VIGIL_ERR_API_START',
        `API cannot listen on ${a.host}:${a.port}: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }
}
