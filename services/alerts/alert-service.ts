import path from 'node:path';
import type { Config } from '../config/schema';
import type { Clock } from '../core/clock';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { CameraStatus } from '../core/camera-status';
import { AlertDispatcher } from './alert-dispatcher';
import { AlertStateStore } from './alert-state-store';
import { AlertHistory } from './alert-history';
import { HistoryOutput } from './history-output';
import { IncidentManager, policyFromConfig } from './incidents';
import { MqttAlertOutput } from './mqtt-alert-output';
import type { MqttPublisher } from './mqtt-publisher';
import { Outbox } from './outbox';
import type { CameraStatusPayload } from './payload-schemas';
import type { CameraHealthEvent } from '../core/camera-status';
import { pruneFiles } from '../core/retention';
import type { ClipMaker } from './alert-dispatcher';
import { COMMAND_FILTERS, statusTopic } from './topics';
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
import { privateDataDir } from '../core/state-file';
import { retentionRules } from './retention-rules';
import { CameraOutages } from './camera-outages';
import { SnoozeBoard } from './snooze-board';
import { ClerkAnswers } from './clerk-answers';

/** Retention runs this often: a size cap is kept within minutes, not hours. */
const RETENTION_EVERY_MS = 5 * 60_000;

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
  private retentionTimer: NodeJS.Timeout | undefined;
  private readonly outages: CameraOutages;
  private readonly snoozeBoard: SnoozeBoard;
  private readonly answers: ClerkAnswers;
  private readonly tamper: TamperAlerts;
  /** Who did what: clerk answers, snooze cancels, clip downloads. */
  readonly audit: AuditLog;

  constructor(
    private readonly config: Config,
    private readonly mqtt: MqttPublisher,
    private readonly clock: Clock,
    private readonly log: Logger,
    announce?: (line: string) => void,
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
    this.outages = new CameraOutages(config.dataDir, this.outbox, clock, log, announce);
    this.snoozeBoard = new SnoozeBoard(this.store, this.audit, this.outbox, clock);
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
    this.answers = new ClerkAnswers({
      incidents: this.incidents,
      store: this.store,
      history: this.history,
      audit: this.audit,
      feedback: this.feedback,
      live: this.live,
      dispatcher: this.dispatcher,
      snoozes: this.snoozeBoard,
      clock,
      log,
    });
  }

  /** Clerk commands applied and refused since start. */
  get commandsApplied(): number {
    return this.answers.applied;
  }

  get commandsRejected(): number {
    return this.answers.rejected;
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
        this.answers
          .onCommand(topic, payload)
          .catch((err: unknown) =>
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
    this.outages.onStatus(s);
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
    return this.snoozeBoard.list();
  }

  /** Cancels a snooze from the API; false when none was in force. Audited and published. */
  cancelSnooze(key: string, by: string): boolean {
    return this.snoozeBoard.cancel(key, by);
  }

  /** Retained vigil/<camera>/snoozes: what is silenced on that camera now (an empty list when nothing). */
  publishSnoozes(camera: string): void {
    this.snoozeBoard.publish(camera);
  }

  /** camera_offline / camera_online: durable (outbox), so a clerk learns of it after a broker outage too. */
  publishHealth(e: CameraHealthEvent, s: CameraStatus): void {
    this.outages.publish(e, s);
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
   * A clerk's answer from the API (`by` is the token's name): the same checks, effects, audit and
   * echo as the MQTT command on the incident's topic.
   */
  answer(
    alertId: string,
    command: ClerkCommand,
    body: Record<string, unknown>,
    by: string,
  ): Promise<CommandResult> {
    return this.answers.answer(alertId, command, body, by);
  }
}
