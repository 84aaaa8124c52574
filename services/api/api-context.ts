import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { CameraStatus } from '../core/camera-status';
import type { TuneReport } from '../core/contract';
import type { AlertService } from '../alerts/alert-service';
import type { AlertHistory } from '../alerts/alert-history';
import type { AnswerTimes } from '../alerts/answer-times';
import type { OutboxHealth } from '../alerts/outbox';
import type { ConfigChange, ConfigStore, Version } from '../config/config-store';
import type { Metrics } from '../metrics/metrics';
import type { PushService } from '../push/push-service';
import type { ApiToken } from './auth';

/**
 * What the routes see: the daemon's side of the API (ApiContext) and the Fastify instance they
 * register on. Its own file, so that api/routes/*.ts import these types and not server.ts, which
 * imports every route.
 */

/** What the clip route needs: where an incident's clip is, and the audit log of downloads. */
export interface ClipAccess {
  find(alertId: string): Promise<string | undefined>;
  recordDownload(by: string, alertId: string, detail: Record<string, unknown>): void;
}

/** What the API reads from and asks of the running daemon. */
export interface ApiContext {
  cameras(): CameraStatus[];
  backend(): { name: string; skipped: { name: string; reason: string }[] };
  mqttConnected(): boolean;
  /** The outbox's disk and delivery state (/readyz). */
  outbox?(): OutboxHealth | undefined;
  startedAt: string;
  version: string;
  tokens(): readonly ApiToken[];
  rateLimitPerMinute?: number;
  configStore?: ConfigStore;
  /** Applies a saved config to the running daemon: only the cameras that changed notice. */
  applyConfig?(v: Version, change: ConfigChange): Promise<void>;
  history?: AlertHistory;
  /** The snoozes in force, and their cancellation (audited, published on vigil/<camera>/snoozes). */
  snoozes?: Pick<AlertService, 'snoozes' | 'cancelSnooze'>;
  /** Clerk answers (ack, snooze, verdict), the live channel and the verdict counts. */
  clerk?: Pick<AlertService, 'answer' | 'live' | 'feedback' | 'store'>;
  dataDir?: string;
  /** The latest analysed frame of a camera with tracks and zones drawn, as JPEG. */
  latestFrame?(camera: string, withZones?: boolean): Promise<Buffer | undefined>;
  /** One still (JPEG) of a stream URL through ffmpeg: the add-camera form's Test. */
  grabStill?(url: string): Promise<Buffer>;
  metrics?: Metrics;
  /** npm run tune as a call: the recordings since `sinceMs` under the current and a candidate config. */
  tune?(candidate: unknown, sinceMs: number): Promise<TuneReport>;
  /** Event clips and the audit of their downloads. */
  clips?: ClipAccess;
  /** Web Push devices per login, and the time to first answer. */
  push?: PushService;
  answerTimes?: AnswerTimes;
}

export type ApiServer = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;
