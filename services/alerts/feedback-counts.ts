import path from 'node:path';
import type { Logger } from '../core/logger';
import { PersistedMap } from '../core/persisted-map';
import type { AlertOutput } from './alert-dispatcher';
import type { AlertPayload, Feedback, Verdict } from './payload-schemas';
import type { FeedbackRow } from '../core/contract';
import { isFeedbackTotals } from './state-checks';

interface Totals {
  camera: string;
  zone: string;
  rule: string;
  alerts: number;
  confirmed: number;
  false_alarm: number;
}

export type { FeedbackRow };

/**
 * Precision as the store sees it: every alert start counts once under its camera/zone/rule, and
 * each clerk verdict (confirmed or false alarm; a later verdict replaces the earlier) moves it out
 * of "unanswered". Kept in `dataDir/feedback-counts.json`, so the numbers survive restarts.
 */
export class FeedbackCounts implements AlertOutput {
  private readonly totals: PersistedMap<Totals>;

  constructor(dataDir: string | undefined, log: Logger) {
    this.totals = new PersistedMap(
      dataDir ? path.join(dataDir, 'feedback-counts.json') : undefined,
      log,
      'feedback counts',
      isFeedbackTotals,
    );
  }

  send(alert: AlertPayload): void {
    if (alert.type === 'start') this.bump(alert, 'alerts', 1);
  }

  /** A verdict on the incident whose start was `start`; `replaced` is the earlier verdict, if any. */
  verdict(
    start: Pick<AlertPayload, 'camera' | 'zone' | 'rule'>,
    f: Feedback,
    replaced: Feedback | null,
  ): void {
    if (replaced?.verdict === f.verdict) return;
    if (replaced) this.bump(start, replaced.verdict, -1);
    this.bump(start, f.verdict, 1);
  }

  rows(): FeedbackRow[] {
    return this.totals
      .values()
      .map((t) => ({
        camera: t.camera,
        zone: t.zone,
        rule: t.rule,
        alerts: t.alerts,
        confirmed: t.confirmed,
        falseAlarm: t.false_alarm,
        unanswered: Math.max(0, t.alerts - t.confirmed - t.false_alarm),
      }))
      .sort((a, b) =>
        `${a.camera}/${a.zone}/${a.rule}`.localeCompare(`${b.camera}/${b.zone}/${b.rule}`),
      );
  }

  private bump(
    a: Pick<AlertPayload, 'camera' | 'zone' | 'rule'>,
    field: 'alerts' | Verdict,
    by: number,
  ): void {
    const key = `${a.camera}/${a.zone}/${a.rule}`;
    const t = this.totals.get(key) ?? {
      camera: a.camera,
      zone: a.zone,
      rule: a.rule,
      alerts: 0,
      confirmed: 0,
      false_alarm: 0,
    };
    this.totals.set(key, { ...t, [field]: Math.max(0, t[field] + by) });
  }
}
