import path from 'node:path';
import type { Config } from '../config/schema';
import type { Clock } from '../core/clock';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { CameraStatus } from '../core/camera-status';
import { AlertDispatcher } from './alert-dispatcher';
import { AlertStateStore } from './alert-state-store';
import { AlertHistory } from './alert-history';
import { PersistedMap } from '../core/persisted-map';
import { HistoryOutput } from './history-output';
import { applyCommand } from './clerk-commands';
import { IncidentManager, policyFromConfig } from './incidents';
import { MqttAlertOutput } from './mqtt-alert-output';
import type { MqttPublisher } from './mqtt-publisher';
import { Outbox } from './outbox';
import type { CameraHealthPayload, CameraStatusPayload } from './payload-schemas';
import type { CameraHealthEvent } from '../core/camera-status';
import { pruneFiles } from '../core/retention';
import type { RetentionRule } from '../core/retention';
import type { ClipMaker } from './alert-dispatcher';
import {
  COMMAND_FILTERS,
  commandTopic,
  healthTopic,
  parseCommandTopic,
  snoozesTopic,
  statusTopic,
} from './topics';
import type { ClerkCommand } from './topics';
import type { CommandResult } from './clerk-commands';
import { FeedbackCounts } from './feedback-counts';
import { LiveEvents } from './live-events';
import type { SnoozeView } from '../core/contract';
import { HaDiscovery, haDiscoveryEnabled } from './ha-discovery';
import { HomeAssistantOutput } from './home-assistant';
import { packageVersion } from '../core/package-info';
import { AuditLog } from './audit-log';
import { TamperAlerts } from './tamper-alerts';
import type { TamperNotice } from '../pipeline/tamper-watch';
import type { CameraRef } from './alert';
import { isOutage } from './state-checks';
import { privateDataDir } from '../core/state-file';

const DAY_MS = 86_400_000;
/** Retention runs this often: a size cap is kept within minutes, not hours. */
const RETENTION_EVERY_MS = 5 * 60_000;

/** What is kept on the box, and for how long: snapshots, event clips, pose recordings. */
export function retentionRules(config: Config): RetentionRule[] {
  const a = config.alerts;
  const b = config.behaviour;
  const at = (sub: string) => path.join(config.dataDir, sub);
  const MB = 2 ** 20;
  return [
    {
      what: 'snapshots',
      dir: at('snapshots'),
      ext: '.jpg',
      maxAgeMs: a.retentionDays * DAY_MS,
      maxBytes: a.retentionMaxMB * MB,
    },
    {
      what: 'event clips',
      dir: at('clips'),
      ext: '.mp4',
      maxAgeMs: a.clipRetentionDays * DAY_MS,
      maxBytes: a.clipRetentionMaxMB * MB,
      skip: ['ring'],
    },
    {
      what: 'pose recordings',
      dir: at('pose-tracks'),
      ext: '.json',
      maxAgeMs: b.poseRetentionDays * DAY_MS,
      maxBytes: b.poseRetentionMaxMB * MB,
    },
  ];
}

/**
 * Everything between rule events and the broker: incidents, snapshots and their retention, the
 * durable outbox, clerk commands and the retained camera status topics.
 */
export class AlertService {
  readonly store: AlertStateStore;
  readonly incidents: IncidentManager;
  readonly outbox: Outbox;
  readonly dispatcher: AlertDispatcher;
  readonly history: AlertHistory;
  /** Alerts and verdicts per camera/zone/rule (the API and vigil_alert_feedback_total). */
  readonly feedback: FeedbackCounts;
  /** Alert messages and clerk answers, for the open consoles. */
  readonly live = new LiveEvents();
  commandsApplied = 0;
  commandsRejected = 0;
  private retentionTimer: NodeJS.Timeout | undefined;
  /**
   * Outages announced (camera_offline sent) and not yet over, on disk: after a restart a camera
   * still down is not announced again under a new id, and its camera_online carries the first id.
   */
  private readonly outages: PersistedMap<{ id: string; downSinceMs: number }>;
  /** Cameras whose outage this run's own offline watch has seen: it ends them itself. */
  private readonly watchedHere = new Set<string>();
  private readonly tamper: TamperAlerts;
  /** Who did what: clerk answers, snooze cancels, clip downloads. */
  readonly audit: AuditLog;

  constructor(
    private readonly config: Config,
    private readonly mqtt: MqttPublisher,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly announce?: (line: string) => void,
    grabStill?: (url: string) => Promise<Buffer>,
    clips?: ClipMaker,
  ) {
    const a = config.alerts;
    privateDataDir(config.dataDir, log);
    this.store = new AlertStateStore(path.join(config.dataDir, 'alert-state.json'), log);
    this.incidents = new IncidentManager(policyFromConfig(config), this.store);
    this.outbox = new Outbox(
      path.join(config.dataDir, 'outbox'),
      mqtt,
      {
        maxBytes: a.outboxMaxMB * 2 ** 20,
        publishTimeoutMs: 10_000,
        retryMs: 1000,
        topicRoots: () => [config.mqtt.homeAssistant.prefix, ...this.haDiscovery.prefixes()],
      },
      log.child({ module: 'outbox' }),
    );
    this.history = new AlertHistory(config.dataDir, 5000, log);
    this.feedback = new FeedbackCounts(config.dataDir, log);
    this.audit = new AuditLog(config.dataDir, log);
    this.tamper = new TamperAlerts(
      this.outbox,
      config.dataDir,
      a.snapshotQuality,
      log.child({ module: 'tamper' }),
      announce,
    );
    this.outages = new PersistedMap(
      path.join(config.dataDir, 'open-outages.json'),
      log,
      'outages',
      isOutage,
    );
    this.haDiscovery = new HaDiscovery(this.outbox, config.dataDir, packageVersion(), log);
    this.dispatcher = new AlertDispatcher(
      [
        new MqttAlertOutput(this.outbox),
        new HistoryOutput(this.history),
        this.feedback,
        this.live,
        // Home Assistant's rule states, latest snapshot and events: with its discovery only.
        ...(haDiscoveryEnabled(config)
          ? [
              new HomeAssistantOutput(
                this.outbox,
                config.cameras.map((c) => c.id),
              ),
            ]
          : []),
      ],
      this.incidents,
      {
        dataDir: config.dataDir,
        snapshotQuality: a.snapshotQuality,
        snapshotWidth: a.snapshotWidth,
        announce,
        grabStill,
        openIncidentsFile: path.join(config.dataDir, 'open-incidents.json'),
        clips,
      },
      log,
    );
  }

  /** Home Assistant's discovery configs, kept equal to the cameras of `config` (start, live edits). */
  readonly haDiscovery: HaDiscovery;

  async start(): Promise<void> {
    await this.history.load();
    await this.outbox.start();
    this.haDiscovery.sync(this.config);
    const ended = await this.dispatcher.endLeftovers(this.clock.now());
    if (ended > 0)
      this.log.warn(
        { ended },
        'incidents left open by the last run (a crash?) ended on this start',
      );
    for (const filter of COMMAND_FILTERS)
      await this.mqtt.subscribe(filter, (topic, payload) => {
        this.onCommand(topic, payload).catch((err: unknown) =>
          this.log.error({ err: errorMessage(err), topic }, 'clerk command failed'),
        );
      });
    const prune = () => {
      for (const rule of retentionRules(this.config))
        pruneFiles(rule, this.clock.now(), this.log).catch((err: unknown) =>
          this.log.error(
            { err: errorMessage(err), dir: rule.dir },
            `${rule.what} retention failed`,
          ),
        );
    };
    prune();
    this.retentionTimer = setInterval(prune, RETENTION_EVERY_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.retentionTimer);
    await this.dispatcher.drain();
    await this.outbox.stop();
  }

  /** Retained vigil/<camera>/status; not queued: only the latest state matters. */
  publishStatus(s: CameraStatus): void {
    // A camera stopped (restarted by a config change, removed) takes its offline watch with it:
    // an outage it announced is now one "from before", ended by whatever runs the camera next.
    if (s.state === 'stopped') this.watchedHere.delete(s.id);
    this.endOutageFromBefore(s);
    const payload: CameraStatusPayload = {
      schemaVersion: 1,
      camera: s.id,
      state: s.state,
      at: new Date(this.clock.now()).toISOString(),
      inputFps: s.inputFps,
      analysedFps: s.analysedFps,
      modelFps: s.modelFps,
      degraded: s.degraded,
      droppedFrames: s.droppedFrames,
      restarts: s.restarts,
      people: s.tracks,
      tamper: s.tamper ?? null,
      lastError: s.lastError
        ? { code: s.lastError.code, message: s.lastError.message, at: s.lastError.at }
        : null,
    };
    if (!this.mqtt.connected) return;
    this.mqtt
      .publish(statusTopic(s.id), JSON.stringify(payload), true)
      .catch((err: unknown) => this.log.warn({ err: errorMessage(err) }, 'status publish failed'));
  }

  /** The snoozes in force, for the API (camera/zone/rule key, who, until when). */
  snoozes(): SnoozeView[] {
    return this.store.snoozes(this.clock.now()).map(({ key, snooze }) => {
      const [camera = '', zone = '', rule = ''] = key.split('/');
      return {
        key,
        camera,
        zone,
        rule,
        by: snooze.by,
        until: new Date(snooze.until).toISOString(),
        ...(snooze.note ? { note: snooze.note } : {}),
      };
    });
  }

  /** Cancels a snooze from the API; false when none was in force. Audited and published. */
  cancelSnooze(key: string, by: string): boolean {
    const now = this.clock.now();
    if (!this.store.cancelSnooze(key, now)) return false;
    this.audit.record({
      at: new Date(now).toISOString(),
      by,
      via: 'api',
      action: 'snooze-cancel',
      target: key,
    });
    this.publishSnoozes(key.split('/')[0] ?? '');
    return true;
  }

  /** Retained vigil/<camera>/snoozes: what is silenced on that camera now (an empty list when nothing). */
  publishSnoozes(camera: string): void {
    const list = this.snoozes().filter((s) => s.camera === camera);
    void this.outbox.enqueue({
      topic: snoozesTopic(camera),
      payload: Buffer.from(
        JSON.stringify({ camera, at: new Date(this.clock.now()).toISOString(), snoozes: list }),
      ),
      retain: true,
    });
  }

  /** camera_offline / camera_online: durable (outbox), so a clerk learns of it after a broker outage too. */
  publishHealth(e: CameraHealthEvent, s: CameraStatus): void {
    const before = this.outages.get(s.id);
    if (e.type === 'camera_offline') {
      this.watchedHere.add(s.id);
      if (before) {
        this.log.info(
          { camera: s.id, outage: before.id },
          'camera still down since before the restart; not announced again',
        );
        return;
      }
      this.outages.set(s.id, { id: e.id, downSinceMs: e.downSinceMs });
    } else {
      this.watchedHere.delete(s.id);
      this.outages.delete(s.id);
      if (before) e = { ...e, id: before.id, downSinceMs: before.downSinceMs };
    }
    const name = s.name || s.id;
    const downSeconds = Math.round((e.atMs - e.downSinceMs) / 1000);
    const summary =
      e.type === 'camera_offline'
        ? `CAMERA OFFLINE ${name}: down for ${downSeconds}s (${s.state}${s.lastError ? `, ${s.lastError.code}` : ''})`
        : `CAMERA ONLINE ${name}: back after ${downSeconds}s`;
    const payload: CameraHealthPayload = {
      schemaVersion: 1,
      id: e.id,
      type: e.type,
      camera: s.id,
      cameraName: name,
      at: new Date(e.atMs).toISOString(),
      downSince: new Date(e.downSinceMs).toISOString(),
      downSeconds,
      state: e.state,
      lastError: s.lastError
        ? { code: s.lastError.code, message: s.lastError.message, at: s.lastError.at }
        : null,
      summary,
    };
    this.log.warn(
      { code: e.type === 'camera_offline' ? 'VIGIL_ERR_CAMERA_OFFLINE' : undefined, camera: s.id },
      summary,
    );
    this.announce?.(summary);
    void this.outbox.enqueue({
      topic: healthTopic(s.id),
      payload: Buffer.from(JSON.stringify(payload)),
      retain: false,
    });
  }

  /** tamper / tamper_cleared with the before/after pictures, on vigil/<camera>/health. */
  publishTamper(notice: TamperNotice, cam: CameraRef): void {
    this.tamper
      .publish(notice, cam)
      .catch((err: unknown) =>
        this.log.error({ err: errorMessage(err), camera: cam.id }, 'tamper alert failed'),
      );
  }

  /**
   * A camera that streams again after a restart, whose outage was announced by the previous run
   * (the daemon died or stopped while it was down), gets its camera_online now.
   */
  private endOutageFromBefore(s: CameraStatus): void {
    const before = this.outages.get(s.id);
    if (!before || s.state !== 'streaming' || this.watchedHere.has(s.id)) return;
    this.publishHealth(
      {
        id: before.id,
        type: 'camera_online',
        downSinceMs: before.downSinceMs,
        atMs: this.clock.now(),
        state: s.state,
      },
      s,
    );
  }

  /**
   * A clerk's answer from the API (`by` is the token's name): the same checks, effects, audit and
   * echo as the MQTT command on the incident's topic.
   */
  async answer(
    alertId: string,
    command: ClerkCommand,
    body: Record<string, unknown>,
    by: string,
  ): Promise<CommandResult> {
    const camera = this.incidents.find(alertId)?.camera ?? this.history.start(alertId)?.camera;
    if (!camera) return { ok: false, reason: `no open or recent alert ${alertId}` };
    const payload = Buffer.from(JSON.stringify({ ...body, by }));
    return this.onCommand(commandTopic(camera, alertId, command), payload, 'api');
  }

  private async onCommand(
    topic: string,
    payload: Buffer,
    via: 'mqtt' | 'api' = 'mqtt',
  ): Promise<CommandResult> {
    const now = this.clock.now();
    const r = applyCommand(topic, payload, now, this.incidents, this.store, this.log, (id, since) =>
      this.history.endedSince(id, since),
    );
    if (!r.ok) {
      this.commandsRejected++;
      return r;
    }
    this.commandsApplied++;
    const at = new Date(now).toISOString();
    this.audit.record({
      at,
      by: r.by,
      via,
      action: r.command,
      target: r.command === 'snooze' ? (r.incident?.zoneKey ?? r.alertId) : r.alertId,
      ...(r.untilMs !== undefined ? { detail: { until: new Date(r.untilMs).toISOString() } } : {}),
      ...(r.feedback ? { detail: { verdict: r.feedback.verdict } } : {}),
    });
    const start = this.history.start(r.alertId);
    if (r.feedback && start) this.feedback.verdict(start, r.feedback, r.replaced ?? null);
    this.live.publish({
      type: 'answer',
      alertId: r.alertId,
      camera: parseCommandTopic(topic)?.camera ?? '',
      command: r.command,
      by: r.by,
      at,
      ...(r.feedback ? { verdict: r.feedback.verdict } : {}),
      ...(r.untilMs !== undefined ? { until: new Date(r.untilMs).toISOString() } : {}),
    });
    if (r.command === 'snooze' && r.incident) this.publishSnoozes(r.incident.camera);
    if (r.incident) {
      const change =
        r.command === 'ack'
          ? { ack: this.store.ackOf(r.alertId) }
          : r.command === 'feedback'
            ? { feedback: r.feedback }
            : undefined;
      if (change && (change.ack || change.feedback))
        await this.dispatcher
          .echo(r.incident, change, now)
          .catch((err: unknown) =>
            this.log.error({ err: errorMessage(err) }, 'answer echo failed'),
          );
    }
    return r;
  }
}
