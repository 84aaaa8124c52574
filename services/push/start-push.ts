import type { Registry } from 'prom-client';
import type { AlertService } from '../alerts/alert-service';
import { AnswerTimes } from '../alerts/answer-times';
import type { Config } from '../config/schema';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { AlertNotifications } from './alert-notifications';
import { PushMetrics } from './push-metrics';
import { PushService } from './push-service';
import { httpTransport } from './push-transport';
import type { PushTransport } from './push-transport';
import { SubscriptionStore } from './subscription-store';
import { loadOrCreateVapid } from './vapid';

export interface PushParts {
  push: PushService;
  notifications: AlertNotifications;
  answerTimes: AnswerTimes;
  stop(): Promise<void>;
}

/**
 * Builds and starts Web Push, escalation and the answer times on a started AlertService (the
 * composition root's one call). `config` is read at each use, so token revocations apply at once.
 */
export function startPush(
  config: () => Config,
  alerts: AlertService,
  registry: Registry,
  clock: Clock,
  log: Logger,
  transport: PushTransport = httpTransport,
): PushParts {
  const dataDir = config().dataDir;
  const store = new SubscriptionStore(dataDir, log, clock.now());
  const push = new PushService({
    store,
    vapid: loadOrCreateVapid(dataDir, log, clock.now()),
    transport,
    tokens: () => config().api.tokens,
    settings: () => config().push,
    clock,
    log,
  });
  push.prune();
  const metrics = new PushMetrics(registry, {
    counts: () => push.counts,
    depth: () => push.depth,
    subscriptions: () => store.all().length,
  });
  const answerTimes = new AnswerTimes(dataDir, log);
  const notifications = new AlertNotifications({
    config,
    push,
    alerts,
    answerTimes,
    metrics,
    clock,
    log,
  });
  notifications.start();
  return {
    push,
    notifications,
    answerTimes,
    async stop() {
      notifications.stop();
      await push.drain();
    },
  };
}
