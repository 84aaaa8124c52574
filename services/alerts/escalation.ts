import type { Role } from '../api/auth';
import type { EscalationConfig } from '../push/push-config';
import type { AlertPayload, Severity } from './payload-schemas';
import type { LiveEvent } from './live-events';

/** What one rule and severity escalates: after how long, how many times, to whom. */
export interface EscalationStep {
  afterMs: number;
  times: number;
  to: { logins: string[]; roles: Role[] };
}

/** The escalation of a rule and start severity, or null when it does not escalate. */
export function escalationFor(
  c: EscalationConfig,
  rule: string,
  severity: Severity,
): EscalationStep | null {
  if (!c.enabled) return null;
  const r = c.rules.find(
    (x) =>
      (x.rule === 'any' || x.rule === rule) && (x.severity === 'any' || x.severity === severity),
  );
  if (r && !r.enabled) return null;
  const s = r ?? c;
  return {
    afterMs: s.afterSeconds * 1000,
    times: s.times,
    to: { logins: [...s.toLogins], roles: [...s.toRoles] },
  };
}

/** An alert waiting for its first answer. */
export interface Waiting {
  alert: AlertPayload;
  startedMs: number;
  /** Escalations done so far. */
  level: number;
  nextAtMs: number;
  step: EscalationStep | null;
}

export interface EscalatorDeps {
  config: () => EscalationConfig;
  now: () => number;
  /** Notify again and the second group; `level` counts from 1. */
  escalate(w: Waiting, level: number): void;
  /** The first answer (ack, snooze or verdict) to an alert, however it came. */
  answered(alert: AlertPayload, seconds: number): void;
  /** True while the alert's zone is snoozed or in quiet hours: no escalation then, it waits. */
  held(alert: AlertPayload): boolean;
}

/** Alerts are watched for their first answer this long (answers are taken for an hour). */
const WATCH_MS = 60 * 60_000;
/** Bounded: the oldest unanswered alerts are forgotten first. */
const MAX_WAITING = 1000;

/**
 * Escalation of unanswered alerts and the time to first answer. Fed with the live events (every
 * alert message and every answer, by MQTT or the API); `tick` runs on a timer (a fake clock in
 * tests). An alert escalates `times` at most, `afterMs` apart, until somebody answers.
 */
export class Escalator {
  private readonly waiting = new Map<string, Waiting>();
  private readonly answeredIds = new Set<string>();

  constructor(private readonly d: EscalatorDeps) {}

  /** A LiveEvents listener. */
  onEvent(e: LiveEvent): void {
    if (e.type === 'alert') this.onAlert(e.alert);
    else if (e.type === 'answer') this.onAnswer(e.alertId);
  }

  onAlert(a: AlertPayload): void {
    const w = this.waiting.get(a.id);
    if (w) {
      // Keeps the latest message, with the start's severity and pictures (for the push).
      const { severity, crop, snapshot } = w.alert;
      w.alert = { ...a, severity, crop, snapshot };
      return;
    }
    if (a.type !== 'start' || a.ack || this.answeredIds.has(a.id)) return;
    const now = this.d.now();
    const step = escalationFor(this.d.config(), a.rule, a.severity);
    this.waiting.set(a.id, {
      alert: a,
      startedMs: now,
      level: 0,
      nextAtMs: step ? now + step.afterMs : Infinity,
      step,
    });
    if (this.waiting.size > MAX_WAITING) this.waiting.delete(this.waiting.keys().next().value!);
  }

  onAnswer(alertId: string): void {
    const w = this.waiting.get(alertId);
    if (!w) return;
    this.waiting.delete(alertId);
    this.answeredIds.add(alertId);
    if (this.answeredIds.size > MAX_WAITING)
      this.answeredIds.delete(this.answeredIds.keys().next().value!);
    this.d.answered(w.alert, Math.max(0, (this.d.now() - w.startedMs) / 1000));
  }

  /** Escalates what is due; answers how many escalated now. */
  tick(): number {
    const now = this.d.now();
    let n = 0;
    for (const [id, w] of this.waiting) {
      if (now - w.startedMs > WATCH_MS) {
        this.waiting.delete(id);
        continue;
      }
      if (!w.step || now < w.nextAtMs || w.level >= w.step.times) continue;
      if (this.d.held(w.alert)) continue;
      w.level++;
      w.nextAtMs = now + w.step.afterMs;
      n++;
      this.d.escalate(w, w.level);
    }
    return n;
  }

  /** Alerts still waiting for an answer (tests, the log). */
  get open(): number {
    return this.waiting.size;
  }
}
