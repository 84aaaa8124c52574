import type { Role, ApiToken } from '../api/auth';
import type { Clock } from '../core/clock';
import { VigilError, errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { PushConfig } from './push-config';
import { checkEndpoint } from './endpoint-policy';
import type { PushTransport } from './push-transport';
import { subscriptionId } from './subscription-store';
import type { StoredSubscription, SubscriptionStore } from './subscription-store';
import { vapidAuthorization } from './vapid';
import type { VapidKeys } from './vapid';
import { checkKeys, encryptPush } from './web-push-crypto';
import type { SubscriptionKeys } from './web-push-crypto';

/** Who a push goes to: every subscribed device of these logins and of these roles. */
export interface PushTarget {
  logins: readonly string[];
  roles: readonly Role[];
}

/** Pushes in flight at once. */
const CONCURRENCY = 4;

interface Job {
  sub: StoredSubscription;
  payload: Buffer;
  topic?: string;
}

export interface PushCounts {
  sent: number;
  failed: number;
  dropped: number;
  gone: number;
}

export interface PushDeps {
  store: SubscriptionStore;
  vapid: VapidKeys;
  transport: PushTransport;
  tokens: () => readonly ApiToken[];
  settings: () => PushConfig;
  clock: Clock;
  log: Logger;
}

/**
 * Web Push from the daemon: the devices that subscribed, per login, and a bounded queue of pushes
 * sent a few at a time with a timeout. `notify` never throws and never waits: the alert path goes
 * on whatever the push services do. A 404 or 410 drops the subscription; so does a token revoked.
 */
export class PushService {
  readonly counts: PushCounts = { sent: 0, failed: 0, dropped: 0, gone: 0 };
  private readonly queue: Job[] = [];
  private running = 0;
  private idle: (() => void)[] = [];

  constructor(private readonly d: PushDeps) {}

  get publicKey(): string {
    return this.d.vapid.publicKey;
  }

  get depth(): number {
    return this.queue.length;
  }

  /** Registers a device for `login` (checked endpoint and keys); answers the stored subscription. */
  subscribe(
    login: string,
    input: { endpoint: string; keys: SubscriptionKeys; device?: string },
  ): StoredSubscription {
    const s = this.d.settings();
    checkEndpoint(input.endpoint, s);
    checkKeys(input.keys);
    const sub: StoredSubscription = {
      id: subscriptionId(input.endpoint),
      login,
      endpoint: input.endpoint,
      keys: { p256dh: input.keys.p256dh, auth: input.keys.auth },
      createdAt: new Date(this.d.clock.now()).toISOString(),
      device: (input.device ?? '').slice(0, 200),
    };
    const other = this.d.store.get(sub.id);
    if (other && other.login !== login)
      this.d.log.info({ id: sub.id, from: other.login, to: login }, 'push device changed login');
    this.d.store.put(sub, s.maxPerLogin);
    this.d.log.info(
      { id: sub.id, login, origin: new URL(sub.endpoint).origin },
      'push device subscribed',
    );
    return sub;
  }

  /** Removes one device of `login` by its endpoint or id; false when it had none such. */
  unsubscribe(login: string, endpointOrId: string): boolean {
    const id = /^[0-9a-f]{16}$/.test(endpointOrId) ? endpointOrId : subscriptionId(endpointOrId);
    return this.d.store.remove((s) => s.id === id && s.login === login) > 0;
  }

  devices(login: string): StoredSubscription[] {
    return this.d.store.all().filter((s) => s.login === login);
  }

  /** Drops the devices whose login is no longer in api.tokens (revoked); answers how many. */
  prune(): number {
    const names = new Set(this.d.tokens().map((t) => t.name));
    const n = this.d.store.remove((s) => !names.has(s.login));
    if (n > 0) this.d.log.info({ dropped: n }, 'push devices of revoked tokens dropped');
    return n;
  }

  /** The subscribed devices a target reaches, each once; revoked logins are pruned first. */
  recipients(target: PushTarget): StoredSubscription[] {
    this.prune();
    const roles = new Map(this.d.tokens().map((t) => [t.name, t.role] as const));
    const viewers = this.d.settings().viewers;
    return this.d.store.all().filter((s) => {
      const role = roles.get(s.login)!;
      if (target.logins.includes(s.login)) return true;
      return target.roles.includes(role) && (role !== 'viewer' || viewers);
    });
  }

  /** Queues one push of `message` to every device of `target`; answers how many were queued. */
  notify(message: object, target: PushTarget, topic?: string): number {
    if (!this.d.settings().enabled) return 0;
    let subs: StoredSubscription[];
    try {
      subs = this.recipients(target);
    } catch (err) {
      this.d.log.error({ code: 'VIGIL_ERR_PUSH_FAILED', err: errorMessage(err) }, 'no recipients');
      return 0;
    }
    const payload = Buffer.from(JSON.stringify(message));
    for (const sub of subs) this.enqueue({ sub, payload, topic });
    return subs.length;
  }

  /** Resolves once nothing is queued or in flight (tests, shutdown). */
  drain(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }

  private enqueue(job: Job): void {
    const max = this.d.settings().queueMax;
    while (this.queue.length >= max) {
      const old = this.queue.shift()!;
      this.counts.dropped++;
      this.d.log.warn(
        { code: 'VIGIL_ERR_PUSH_QUEUE_FULL', id: old.sub.id, login: old.sub.login },
        'push queue full: the oldest push dropped',
      );
    }
    this.queue.push(job);
    this.pump();
  }

  private pump(): void {
    while (this.running < CONCURRENCY && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.running++;
      void this.send(job).finally(() => {
        this.running--;
        this.pump();
        if (this.running === 0 && this.queue.length === 0) for (const r of this.idle.splice(0)) r();
      });
    }
  }

  private async send(job: Job): Promise<void> {
    const s = this.d.settings();
    const { sub } = job;
    const where = { id: sub.id, login: sub.login, origin: '' };
    try {
      const endpoint = checkEndpoint(sub.endpoint, s);
      where.origin = endpoint.origin;
      const body = encryptPush(job.payload, sub.keys);
      const res = await this.d.transport({
        endpoint,
        body,
        timeoutMs: s.timeoutSeconds * 1000,
        headers: {
          authorization: vapidAuthorization(
            this.d.vapid,
            sub.endpoint,
            s.subject,
            this.d.clock.now(),
          ),
          'content-encoding': 'aes128gcm',
          'content-type': 'application/octet-stream',
          ttl: String(s.ttlSeconds),
          urgency: 'high',
          ...(job.topic ? { topic: job.topic } : {}),
        },
      });
      if (res.status >= 200 && res.status < 300) {
        this.counts.sent++;
        return;
      }
      if (res.status === 404 || res.status === 410) {
        this.counts.gone++;
        this.d.store.remove((x) => x.id === sub.id);
        this.d.log.info({ ...where, status: res.status }, 'push device gone: subscription dropped');
        return;
      }
      throw new VigilError(
        'VIGIL_ERR_PUSH_FAILED',
        `push service answered ${res.status}: ${res.text}`,
      );
    } catch (err) {
      this.counts.failed++;
      const code = err instanceof VigilError ? err.code : 'VIGIL_ERR_PUSH_FAILED';
      this.d.log.error({ code, err: errorMessage(err), ...where }, 'push not sent');
    }
  }
}
