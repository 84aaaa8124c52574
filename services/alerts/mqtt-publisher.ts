import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { VigilError } from '../core/errors';
import type { Logger } from '../core/logger';
import { redactUrl } from '../core/logger';
import { TOPIC_AVAILABLE } from './topics';

export interface MqttPublisherOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
}

/**
 * The one MQTT client of the daemon (adapter over MQTT.js). Announces `online` on the retained
 * vigil/available topic; the broker publishes `offline` through the last will when we vanish.
 * While disconnected MQTT.js keeps QoS 1 messages in memory and sends them on reconnect.
 */
export class MqttPublisher {
  private client: MqttClient | undefined;
  private readonly connectListeners: (() => void)[] = [];
  connected = false;

  constructor(
    private readonly opts: MqttPublisherOptions,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    const client = mqtt.connect(this.opts.url, {
      clientId: this.opts.clientId,
      username: this.opts.username || undefined,
      password: this.opts.password || undefined,
      reconnectPeriod: 2000,
      connectTimeout: 10_000,
      clean: true,
      will: { topic: TOPIC_AVAILABLE, payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    this.client = client;
    client.on('connect', () => {
      this.connected = true;
      this.log.info({ url: redactUrl(this.opts.url) }, 'MQTT connected');
      client.publish(TOPIC_AVAILABLE, 'online', { qos: 1, retain: true });
      for (const fn of this.connectListeners) fn();
    });
    client.on('close', () => {
      if (this.connected) this.log.warn('MQTT connection closed; reconnecting');
      this.connected = false;
    });
    client.on('error', (err) => this.log.warn({ err: err.message }, 'MQTT error'));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.log.warn(
          { url: redactUrl(this.opts.url) },
          'MQTT broker not reachable yet; alerts wait in memory',
        );
        resolve();
      }, 5000);
      client.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Publishes with QoS 1; resolves when the broker acknowledged it (or it is queued offline). */
  async publish(topic: string, payload: string | Buffer, retain = false): Promise<void> {
    if (!this.client)
      throw new VigilError('VIGIL_ERR_INVARIANT', 'MQTT publisher used before start()');
    try {
      await this.client.publishAsync(topic, payload, { qos: 1, retain });
    } catch (err) {
      throw new VigilError(
        'VIGIL_ERR_MQTT_PUBLISH',
        `publish to ${topic} failed: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  /** Calls `fn` on every (re)connection. */
  onConnect(fn: () => void): void {
    this.connectListeners.push(fn);
    if (this.connected) fn();
  }

  /** Subscribes (MQTT.js resubscribes after reconnects); handler errors are the caller's. */
  async subscribe(
    filter: string,
    onMessage: (topic: string, payload: Buffer) => void,
  ): Promise<void> {
    if (!this.client)
      throw new VigilError('VIGIL_ERR_INVARIANT', 'MQTT publisher used before start()');
    this.client.on('message', (topic, payload) => {
      if (topicMatches(filter, topic)) onMessage(topic, payload);
    });
    if (this.client.connected) await this.client.subscribeAsync(filter, { qos: 1 });
    else
      this.client.once(
        'connect',
        () =>
          void this.client
            ?.subscribeAsync(filter, { qos: 1 })
            .catch((err: Error) => this.log.warn({ err: err.message, filter }, 'subscribe failed')),
      );
  }

  async stop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    if (client.connected)
      await client.publishAsync(TOPIC_AVAILABLE, 'offline', { qos: 1, retain: true });
    await client.endAsync();
  }
}

/** MQTT topic filter match with + and # wildcards. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}
