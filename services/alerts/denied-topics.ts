import type { Clock } from '../core/clock';

export interface DeniedTopicsOptions {
  /** A close this soon after the unacknowledged publish was sent counts against its topic. */
  windowMs: number;
  /** Consecutive such closes on one topic, no acknowledgement between, before it is given up. */
  strikes: number;
}

export const DEFAULT_DENIED_OPTIONS: DeniedTopicsOptions = { windowMs: 3000, strikes: 2 };

/**
 * What Vigil stops publishing to: a broker whose ACL denies a topic may drop the connection on
 * each publish there (aedes does; some mosquitto versions do), and the client resends the same
 * message after every reconnect: a loop that holds up every alert behind it. Brokers acknowledge
 * QoS 1 publishes in order, so when the connection closes, the oldest unacknowledged publish of
 * that connection is the one it choked on. The same topic, twice in a row, within `windowMs` of
 * being sent: its prefix is given up (Home Assistant's whole discovery prefix; under vigil/ the
 * one topic only, so that alerts still go out).
 */
export class DeniedTopics {
  private readonly unacked = new Map<number, { topic: string; atMs: number; conn: number }>();
  private conn = 0;
  private strike = { topic: '', count: 0 };
  private readonly blocked = new Set<string>();

  constructor(
    private readonly clock: Clock,
    private readonly opts: DeniedTopicsOptions = DEFAULT_DENIED_OPTIONS,
  ) {}

  /** The blocked prefix a topic falls under, for the log and the ACL hint. */
  static prefixOf(topic: string): string {
    const first = topic.split('/')[0]!;
    return first === 'vigil' ? topic : `${first}/`;
  }

  connected(): void {
    this.conn++;
  }

  sent(messageId: number, topic: string): void {
    this.unacked.delete(messageId);
    this.unacked.set(messageId, { topic, atMs: this.clock.now(), conn: this.conn });
  }

  acked(messageId: number): void {
    const m = this.unacked.get(messageId);
    this.unacked.delete(messageId);
    if (m && m.topic === this.strike.topic) this.strike = { topic: '', count: 0 };
  }

  /** The connection closed: the topic given up now, if this close was its last strike. */
  closed(): { topic: string; prefix: string } | undefined {
    const now = this.clock.now();
    const first = [...this.unacked.values()].find((m) => m.conn === this.conn);
    if (!first || now - first.atMs > this.opts.windowMs) return undefined;
    const count = first.topic === this.strike.topic ? this.strike.count + 1 : 1;
    this.strike = { topic: first.topic, count };
    if (count < this.opts.strikes) return undefined;
    const prefix = DeniedTopics.prefixOf(first.topic);
    this.blocked.add(prefix);
    this.strike = { topic: '', count: 0 };
    return { topic: first.topic, prefix };
  }

  isBlocked(topic: string): boolean {
    for (const p of this.blocked)
      if (p.endsWith('/') ? topic.startsWith(p) : topic === p) return true;
    return false;
  }

  /** Unacknowledged messages under a blocked prefix (to drop from the client's resend queue). */
  blockedInFlight(): number[] {
    const ids = [...this.unacked].filter(([, m]) => this.isBlocked(m.topic)).map(([id]) => id);
    for (const id of ids) this.unacked.delete(id);
    return ids;
  }
}
