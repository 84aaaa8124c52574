import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config } from './config/schema';
import type { ConfigChange, Version } from './config/config-store';
import { Metrics } from './metrics/metrics';
import { systemClock } from './core/clock';
import type { Clock } from './core/clock';
import { VigilError } from './core/errors';
import type { Logger } from './core/logger';
import { resolveFfmpeg } from './camera/ffmpeg-binary';
import type { FfmpegBinary } from './camera/ffmpeg-binary';
import { grabStill } from './camera/still-grabber';
import { AlertService } from './alerts/alert-service';
import { quietHoursOf } from './alerts/incidents';
import type { PoseScorer } from './behaviour/pose-scorer';
import { EmbeddedBroker } from './alerts/embedded-broker';
import { haDiscoveryEnabled } from './alerts/ha-discovery';
import { availabilityTopic } from './alerts/topics';
import { MqttPublisher } from './alerts/mqtt-publisher';
import { buildApi } from './api/server';
import type { ApiServer } from './api/api-context';
import { autoWorkers, startEstimator } from './pose/start-estimator';
import { modelCacheDir } from './pose/load-estimator';
import type { WorkerPoolEstimator } from './pose/worker-pool-estimator';
import type { PoseEstimator } from './pose/pose-estimator';
import type { BackendChoice } from './pose/engines/pose-engine';
import { ClipService } from './clips/clip-service';
import { startPush } from './push/start-push';
import type { PushParts } from './push/start-push';
import { CameraFleet } from './camera-fleet';
import type { CameraPipeline } from './pipeline/camera-pipeline';
import { daemonApiContext, listenApi } from './daemon-api';

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
/** How long the console's Test of a new camera's URL waits for its first frame. */
const TEST_STILL_TIMEOUT_MS = 15_000;

export class VigilApp {
  private fleet: CameraFleet | undefined;
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

  /** Every camera's running pipeline (none before start). */
  get cameras(): readonly CameraPipeline[] {
    return this.fleet?.pipelines ?? [];
  }

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
    this.fleet = new CameraFleet(this.config, {
      ffmpeg,
      estimator: this.estimator,
      pool: this.pool,
      anomalyModel: this.anomalyModel,
      alerts: this.alerts,
      clips: this.clips,
      metrics: this.metrics,
      clock: this.clock,
      log: this.log,
    });
    this.fleet.startAll();
    const api = await this.startApi();
    return { api, mqttUrl };
  }

  async stop(): Promise<void> {
    await this.api?.close();
    await this.fleet?.stop();
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
    if (change.cameras.length > 0 && !this.fleet)
      throw new VigilError('VIGIL_ERR_INVARIANT', 'camera started before model, ffmpeg and alerts');
    await this.fleet?.apply(v.config, change.cameras);
    if (this.pool && v.config.inference.workers === 'auto')
      await this.pool.grow(autoWorkers(v.config.inference, this.cameras.length));
    if (change.cameras.some((c) => c.change !== 'zones')) this.alerts?.haDiscovery.sync(v.config);
    this.log.info(
      { cameras: change.cameras, restartRequired: change.restartRequired },
      'config applied',
    );
  }

  private async startApi(): Promise<string | null> {
    const a = this.config.api;
    if (!a.enabled) return null;
    const context = daemonApiContext({
      config: () => this.config,
      cameras: () => this.cameras.map((c) => c.status()),
      flushRecordings: () => this.cameras.forEach((c) => c.flushRecording()),
      backend: () => this.backend,
      mqttConnected: () => this.mqtt?.connected ?? false,
      outbox: () => this.alerts?.outbox.health(),
      applyConfig: (v, change) => this.applyConfig(v, change),
      latestFrame: async (id, withZones) => this.fleet?.latestFrame(id, withZones),
      // A person waits on the console's Test: a camera's first keyframe may take some seconds.
      grabStill: (url) => grabStill(url, this.ffmpeg ?? resolveFfmpeg(), TEST_STILL_TIMEOUT_MS),
      startedAt: this.startedAt,
      configFile: this.opts.configFile,
      alerts: this.alerts,
      clips: this.clips,
      push: this.push,
      metrics: this.metrics,
      clock: this.clock,
      log: this.log,
    });
    this.api = buildApi(context, this.log.child({ module: 'api' }), {
      certFile: a.tlsCertFile,
      keyFile: a.tlsKeyFile,
    });
    return listenApi(this.api, a, this.log);
  }
}
