import type { Clock } from '../core/clock';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { AlertDispatcher } from './alert-dispatcher';
import type { AlertHistory } from './alert-history';
import type { AlertStateStore } from './alert-state-store';
import type { AuditLog } from './audit-log';
import { applyCommand } from './clerk-commands';
import type { CommandResult } from './clerk-commands';
import type { FeedbackCounts } from './feedback-counts';
import type { IncidentManager } from './incidents';
import type { LiveEvents } from './live-events';
import type { SnoozeBoard } from './snooze-board';
import { commandTopic, parseCommandTopic } from './topics';
import type { ClerkCommand } from './topics';

/** What a clerk's answer reaches: the incident, its state, history, audit, counts and consoles. */
export interface AnswerParts {
  incidents: IncidentManager;
  store: AlertStateStore;
  history: AlertHistory;
  audit: AuditLog;
  feedback: FeedbackCounts;
  live: LiveEvents;
  dispatcher: AlertDispatcher;
  snoozes: SnoozeBoard;
  clock: Clock;
  log: Logger;
}

/**
 * Clerk answers (ack, snooze, verdict), from MQTT command topics or the API: checked, applied,
 * audited, counted, shown on the open consoles and echoed on the incident's topic.
 */
export class ClerkAnswers {
  applied = 0;
  rejected = 0;

  constructor(private readonly p: AnswerParts) {}

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
    const { incidents, history } = this.p;
    const camera = incidents.find(alertId)?.camera ?? history.start(alertId)?.camera;
    if (!camera) return { ok: false, reason: `no open or recent alert ${alertId}` };
    const payload = Buffer.from(JSON.stringify({ ...body, by }));
    return this.onCommand(commandTopic(camera, alertId, command), payload, 'api');
  }

  async onCommand(
    topic: string,
    payload: Buffer,
    via: 'mqtt' | 'api' = 'mqtt',
  ): Promise<CommandResult> {
    const { incidents, store, history, log } = this.p;
    const now = this.p.clock.now();
    const r = applyCommand(topic, payload, now, incidents, store, log, (id, since) =>
      history.endedSince(id, since),
    );
    if (!r.ok) {
      this.rejected++;
      return r;
    }
    this.applied++;
    this.record(r, topic, via, now);
    if (r.command === 'snooze' && r.incident) this.p.snoozes.publish(r.incident.camera);
    if (r.incident) await this.echo(r, now);
    return r;
  }

  /** The audit line, the verdict counts and the live `answer` event of an applied answer. */
  private record(r: AppliedAnswer, topic: string, via: 'mqtt' | 'api', now: number): void {
    const at = new Date(now).toISOString();
    this.p.audit.record({
      at,
      by: r.by,
      via,
      action: r.command,
      target: r.command === 'snooze' ? (r.incident?.zoneKey ?? r.alertId) : r.alertId,
      ...(r.untilMs !== undefined ? { detail: { until: new Date(r.untilMs).toISOString() } } : {}),
      ...(r.feedback ? { detail: { verdict: r.feedback.verdict } } : {}),
    });
    const start = this.p.history.start(r.alertId);
    if (r.feedback && start) this.p.feedback.verdict(start, r.feedback, r.replaced ?? null);
    this.p.live.publish({
      type: 'answer',
      alertId: r.alertId,
      camera: parseCommandTopic(topic)?.camera ?? '',
      command: r.command,
      by: r.by,
      at,
      ...(r.feedback ? { verdict: r.feedback.verdict } : {}),
      ...(r.untilMs !== undefined ? { until: new Date(r.untilMs).toISOString() } : {}),
    });
  }

  /** An ack or verdict echoed on the open incident's topic (an update message). */
  private async echo(r: AppliedAnswer, now: number): Promise<void> {
    if (!r.incident) return;
    const change =
      r.command === 'ack'
        ? { ack: this.p.store.ackOf(r.alertId) }
        : r.command === 'feedback'
          ? { feedback: r.feedback }
          : undefined;
    if (change && (change.ack || change.feedback))
      await this.p.dispatcher
        .echo(r.incident, change, now)
        .catch((err: unknown) =>
          this.p.log.error({ err: errorMessage(err) }, 'answer echo failed'),
        );
  }
}

type AppliedAnswer = Extract<CommandResult, { ok: true }>;
