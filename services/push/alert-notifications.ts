import type { Role } from '../api/auth';
import type { Config } from '../config/schema';
import type { Clock } from '../core/clock';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { AlertService } from '../alerts/alert-service';
import type { AnswerTimes } from '../alerts/answer-times';
import { Escalator } from '../alerts/escalation';
import type { Waiting } from '../alerts/escalation';
import type { AlertPayload, Escalation } from '../alerts/payload-schemas';
import { policyFromConfig } from '../alerts/incidents';
import { inQuietHours } from '../core/time-windows';
import type { PushMetrics } from './push-metrics';
import type { PushService, PushTarget } from './push-service';

/** What a push carries (the service worker's payload): small, well under the 4 KB a push takes. */
export interface PushMessage {
  v: 1;
  kind: 'alert' | 'escalation';
  alertId: string;
  rule: string;
  summary: string;
  camera: string;
  cameraName: string;
  zone: string;
  zoneName: string;
  severity: string;
  at: string;
  /** The person's crop (or the snapshot), served by the API to the device's token. */
  image: string | null;
  level: number;
  /** Where a tap opens the console. */
  url: string;
}

export function pushMessage(
  a: AlertPayload,
  kind: PushMessage['kind'],
  level: number,
): PushMessage {
  return {
    v: 1,
    kind,
    alertId: a.id,
    rule: a.rule,
    summary: a.summary.slice(0, 600),
    camera: a.camera,
    cameraName: a.cameraName.slice(0, 120),
    zone: a.zone,
    zoneName: a.zoneName.slice(0, 120),
    severity: a.severity,
    at: a.at,
    image: a.crop ? `/api/alerts/${a.id}/crop` : a.snapshot ? `/api/alerts/${a.id}/snapshot` : null,
    level,
    url: `/#/alert/${a.id}`,
  };
}

/** Everyone who answers alerts: clerks and admins (viewers with push.viewers). */
const FIRST_GROUP: PushTarget = { logins: [], roles: ['viewer', 'clerk', 'admin'] as Role[] };
const ESCALATE_EVERY_MS = 1000;

export interface AlertNotificationsDeps {
  config: () => Config;
  push: PushService;
  alerts: Pick<AlertService, 'live' | 'store' | 'incidents' | 'dispatcher'>;
  answerTimes: AnswerTimes;
  metrics?: PushMetrics;
  clock: Clock;
  log: Logger;
}

/**
 * Alerts to phones: a push when an incident starts, the escalation of unanswered ones (push to the
 * first group again and the second, an MQTT `update` with `escalation`), and the time to first
 * answer. Listens to the live events; nothing here can stop or slow the alert path.
 */
export class AlertNotifications {
  readonly escalator: Escalator;
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly d: AlertNotificationsDeps) {
    this.escalator = new Escalator({
      config: () => d.config().alerts.escalation,
      now: () => d.clock.now(),
      escalate: (w, level) => this.escalate(w, level),
      answered: (a, seconds) => this.answered(a, seconds),
      held: (a) => this.held(a),
    });
  }

  start(): void {
    this.unsubscribe = this.d.alerts.live.subscribe((e) => {
      try {
        if (e.type === 'alert' && e.alert.type === 'start' && !this.held(e.alert))
          this.d.push.notify(pushMessage(e.alert, 'alert', 0), FIRST_GROUP, topicOf(e.alert.id));
        this.escalator.onEvent(e);
      } catch (err) {
        this.d.log.error({ code: 'VIGIL_ERR_PUSH_FAILED', err: errorMessage(err) }, 'push skipped');
      }
    });
    this.timer = setInterval(() => this.escalator.tick(), ESCALATE_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    this.unsubscribe?.();
    clearInterval(this.timer);
  }

  /** Snoozed zone or quiet hours: no push, no escalation (it waits). */
  held(a: AlertPayload): boolean {
    const now = this.d.clock.now();
    if (this.d.alerts.store.snoozedUntil(`${a.camera}/${a.zone}/${a.rule}`) > now) return true;
    return inQuietHours(policyFromConfig(this.d.config()).quietHours(a.camera, a.zone), now);
  }

  private answered(a: AlertPayload, seconds: number): void {
    this.d.answerTimes.record(a.camera, a.rule, seconds);
    this.d.metrics?.firstAnswer.observe({ rule: a.rule, camera: a.camera }, seconds);
  }

  private escalate(w: Waiting, level: number): void {
    const a = w.alert;
    const to = w.step!.to;
    const nowMs = this.d.clock.now();
    const escalation: Escalation = {
      level,
      of: w.step!.times,
      to: { logins: to.logins, roles: to.roles },
      unansweredSeconds: Math.round((nowMs - w.startedMs) / 1000),
      at: new Date(nowMs).toISOString(),
    };
    this.d.log.warn(
      { alertId: a.id, rule: a.rule, camera: a.camera, escalation },
      'alert unanswered: escalated',
    );
    this.d.metrics?.escalations.inc({ rule: a.rule, level: String(level) });
    const target: PushTarget = {
      logins: to.logins,
      roles: [...new Set([...FIRST_GROUP.roles, ...to.roles])],
    };
    this.d.push.notify(pushMessage(a, 'escalation', level), target, topicOf(a.id));
    const incident = this.d.alerts.incidents.find(a.id);
    // An ended incident's messages are over: its escalation goes by push and the log only.
    if (incident)
      this.d.alerts.dispatcher
        .echo(incident, { escalation }, nowMs)
        .catch((err: unknown) =>
          this.d.log.error({ err: errorMessage(err), alertId: a.id }, 'escalation update failed'),
        );
  }
}

/** RFC 8030 Topic: a newer push of the same alert replaces one not yet delivered. */
const topicOf = (alertId: string) => alertId.replace(/-/g, '');
