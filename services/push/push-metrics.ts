import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { PushCounts } from './push-service';

export interface PushMetricsSource {
  counts(): PushCounts;
  depth(): number;
  subscriptions(): number;
}

/** Push, escalation and answer-time metrics, registered on the daemon's registry. */
export class PushMetrics {
  readonly escalations: Counter<'rule' | 'level'>;
  readonly firstAnswer: Histogram<'rule' | 'camera'>;

  constructor(registry: Registry, src: PushMetricsSource) {
    const registers = [registry];
    new Gauge({
      name: 'vigil_push_total',
      help: 'Web Push messages by result: sent (accepted by the push service), failed (timeout, error, refused; logged VIGIL_ERR_PUSH_FAILED), dropped (queue full), gone (404/410: the subscription was dropped).',
      labelNames: ['result'],
      registers,
      collect() {
        const c = src.counts();
        for (const [result, n] of Object.entries(c)) this.set({ result }, n);
      },
    });
    new Gauge({
      name: 'vigil_push_queue_depth',
      help: 'Pushes waiting to be sent.',
      registers,
      collect() {
        this.set(src.depth());
      },
    });
    new Gauge({
      name: 'vigil_push_subscriptions',
      help: 'Devices that turned notifications on.',
      registers,
      collect() {
        this.set(src.subscriptions());
      },
    });
    this.escalations = new Counter({
      name: 'vigil_alert_escalations_total',
      help: 'Unanswered alerts escalated (alerts.escalation), by rule and level.',
      labelNames: ['rule', 'level'],
      registers,
    });
    this.firstAnswer = new Histogram({
      name: 'vigil_alert_first_answer_seconds',
      help: 'Time from an alert start to its first answer (acknowledge, snooze or verdict), by rule and camera.',
      labelNames: ['rule', 'camera'],
      buckets: [5, 10, 30, 60, 120, 300, 600, 1800, 3600],
      registers,
    });
  }
}
