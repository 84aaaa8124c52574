import path from 'node:path';
import type { Config } from './config/schema';
import { ConfigStore } from './config/config-store';
import type { ConfigChange, Version } from './config/config-store';
import { parseConfig } from './config/load';
import type { Clock } from './core/clock';
import { VigilError } from './core/errors';
import type { Logger } from './core/logger';
import { packageVersion } from './core/package-info';
import type { CameraStatus } from './core/camera-status';
import type { ApiContext, ApiServer } from './api/api-context';
import { warnPlainHttpOnLan } from './api/tls-warning';
import type { AlertService } from './alerts/alert-service';
import type { OutboxHealth } from './alerts/outbox';
import type { ClipService } from './clips/clip-service';
import type { Metrics } from './metrics/metrics';
import type { BackendChoice } from './pose/engines/pose-engine';
import type { PushParts } from './push/start-push';

/** The running daemon as the API sees it: read at each request, so config changes show. */
export interface DaemonView {
  config(): Config;
  cameras(): CameraStatus[];
  /** Writes out each camera's pose recording buffered so far (before a replay reads them). */
  flushRecordings(): void;
  backend(): BackendChoice;
  mqttConnected(): boolean;
  outbox(): OutboxHealth | undefined;
  applyConfig(v: Version, change: ConfigChange): Promise<void>;
  latestFrame(camera: string, withZones?: boolean): Promise<Buffer | undefined>;
  /** One still of a stream URL (ffmpeg), for the add-camera form's Test. */
  grabStill(url: string): Promise<Buffer>;
  startedAt: string;
  /** The config file, so the API can change and persist it. */
  configFile: string | undefined;
  alerts: AlertService | undefined;
  clips: ClipService;
  push: PushParts | undefined;
  metrics: Metrics;
  clock: Clock;
  log: Logger;
}

/** What the API reads from and asks of the daemon (ApiContext), built from the daemon's parts. */
export function daemonApiContext(d: DaemonView): ApiContext {
  const config = d.config();
  return {
    cameras: () => d.cameras(),
    backend: () => d.backend(),
    mqttConnected: () => d.mqttConnected(),
    outbox: () => d.outbox(),
    startedAt: d.startedAt,
    version: packageVersion(),
    tokens: () => d.config().api.tokens,
    rateLimitPerMinute: config.api.rateLimitPerMinute,
    configStore: d.configFile ? new ConfigStore(d.configFile, process.env) : undefined,
    applyConfig: (v, change) => d.applyConfig(v, change),
    history: d.alerts?.history,
    snoozes: d.alerts,
    clerk: d.alerts,
    dataDir: config.dataDir,
    latestFrame: (id, withZones) => d.latestFrame(id, withZones),
    grabStill: (url) => d.grabStill(url),
    tune: (candidate, sinceMs) => tuneCall(d, candidate, sinceMs),
    clips: {
      find: (id) => d.clips.find(id),
      recordDownload: (by, alertId, detail) =>
        d.alerts?.audit.record({
          at: new Date(d.clock.now()).toISOString(),
          by,
          via: 'api',
          action: 'clip-download',
          target: alertId,
          detail,
        }),
    },
    metrics: d.metrics,
    push: d.push?.push,
    answerTimes: d.push?.answerTimes,
  };
}

/** POST /api/tune: the recordings since `sinceMs` replayed under the current and a candidate config. */
async function tuneCall(d: DaemonView, candidate: unknown, sinceMs: number) {
  const { tune } = await import('./analysis/tune.js');
  d.flushRecordings();
  const base = d.configFile ? path.dirname(path.resolve(d.configFile)) : undefined;
  const current = d.config();
  const next =
    candidate === undefined ? current : parseConfig(candidate, { env: process.env, baseDir: base });
  return tune(current, next, sinceMs, d.log.child({ module: 'tune' }));
}

/** Listens on the configured address (warning first when the console is on the LAN over plain HTTP). */
export async function listenApi(api: ApiServer, a: Config['api'], log: Logger): Promise<string> {
  warnPlainHttpOnLan(a, log);
  try {
    return await api.listen({ host: a.host, port: a.port });
  } catch (err) {
    throw new VigilError(
      'VIGIL_ERR_API_START',
      `API cannot listen on ${a.host}:${a.port}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}
