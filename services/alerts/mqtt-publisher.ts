import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { systemClock } from '../core/clock';
import type { Clock } from '../core/clock';
import { VigilError, errorMessage } from '../core/errors';
import { withTimeout } from '../core/with-timeout';
import { DeniedTopics } from './denied-topics';
import type { Logger } from '../core/logger';
import { redactUrl } from '../core/logger';
import { TOPIC_AVAILABLE, topicMatches } from './topics';

export interface MqttPublisherOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  /** mqtts:// with a private CA (PEM), and a client certificate and key where the broker asks. */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  /** Retained online/offline (last will): vigil/available unless the site runs several daemons. */
  availabilityTopic?: string;
}

/** A repeated connection error is logged again at warn level at most this often. */
const ERROR_REPEAT_MS = 60_000;
/** How long each step of a clean stop may wait for the broker. */
const STOP_STEP_MS = 3000;

/**
 * The one MQTT client of the daemon (adapter over MQTT.js). Announces `online` on the retained
 * vigil/available topic; the broker publishes `offline` through the last will when we vanish.
 * Alerts reach it through the on-disk outbox, which holds them while the broker is away.
 */
export class MqttPublisher {
  private client: MqttClient | undefined;
  private readonly connectListeners: (() => void)[] = [];
  private stopping = false;
  private lastError = { message: '', atMs: 0 };
  private readonly denied: DeniedTopics;
  connected = false;

  constructor(
    private readonly opts: MqttPublisherOptions,
    private readonly log: Logger,
    clock: Clock = systemClock,
  ) {
    this.denied = new DeniedTopics(clock);
  }

  /** The retained availability topic of this daemon. */
  get available(): string {
    return this.opts.availabilityTopic ?? TOPIC_AVAILABLE;
  }

  async start(): Promise<void> {
    const client = mqtt.connect(this.opts.url, {
      clientId: this.opts.clientId,
      username: this.opts.username || undefined,
      password: this.opts.password || undefined,
      reconnectPeriod: 2000,
      connectTimeout: 10_000,
      clean: true,
      ...this.opts.tls,
      will: { topic: this.available, payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    this.client = client;
    this.watchDenied(client);
    client.on('connect', () => {
      this.connected = true;
      this.log.info({ url: redactUrl(this.opts.url) }, 'MQTT connected');
      client.publish(this.available, 'online', { qos: 1, retain: true });
      for (const fn of this.connectListeners) fn();
    });
    client.on('close', () => {
      if (this.connected && !this.stopping)
        this.log.warn('MQTT connection closed; reconnecting (alerts wait in the outbox on disk)');
      this.connected = false;
    });
    client.on('error', (err) => this.logError(err.message));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.log.warn(
          { url: redactUrl(this.opts.url) },
          'MQTT broker not reachable yet; alerts wait in the outbox on disk',
        );
        resolve();
      }, 5000);
      client.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Publishes with QoS 1; resolves when the broker acknowledged it (or it is queued offline), or
   * at once for a topic given up because the broker's ACL denies it (see DeniedTopics).
   */
  async publish(topic: string, payload: string | Buffer, retain = false): Promise<void> {
    if (!this.client)
      throw new VigilError('VIGIL_ERR_INVARIANT', 'MQTT publisher used before start()');
    if (this.denied.isBlocked(topic))
      return this.log.debug({ topic }, 'not published: the broker denies this topic');
    try {
      await this.client.publishAsync(topic, payload, { qos: 1, retain });
    } catch (err) {
      if (this.denied.isBlocked(topic)) return;
      throw new VigilError(
        'VIGIL_ERR_MQTT_PUBLISH',
        `publish to ${topic} failed: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  /**
   * Counts connections that close right after a publish the broker never acknowledged; a topic
   * that costs the connection twice in a row is given up (coded error naming it and the ACL),
   * and dropped from the client's resend queue, so the loop ends and the outbox moves on.
   */
  private watchDenied(client: MqttClient): void {
    client.on('connect', () => this.denied.connected());
    client.on('packetsend', (p) => {
      if (p.cmd === 'publish' && p.qos > 0 && p.messageId !== undefined)
        this.denied.sent(p.messageId, p.topic);
    });
    client.on('packetreceive', (p) => {
      if (p.cmd === 'puback' && p.messageId !== undefined) this.denied.acked(p.messageId);
    });
    client.on('close', () => {
      const gaveUp = this.denied.closed();
      if (!gaveUp) return;
      this.log.error(
        { code: 'VIGIL_ERR_MQTT_DENIED', topic: gaveUp.topic, prefix: gaveUp.prefix },
        `the broker drops the connection at each publish to ${gaveUp.topic}: its ACL denies it. Publishing under ${gaveUp.prefix} stopped until restart; alerts go on. Give Vigil's login write access there (npm run token -- mosquitto-acl <config> prints an ACL that matches this config)`,
      );
      for (const id of this.denied.blockedInFlight()) client.removeOutgoingMessage(id);
    });
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
    // A connection lost before the SUBACK (a broker that drops Vigil at a denied publish) is no
    // startup failure: the subscription is made again on the next connection.
    const subscribe = async (): Promise<void> => {
      await this.client?.subscribeAsync(filter, { qos: 1 }).catch((err: Error) => {
        this.log.warn({ err: err.message, filter }, 'subscribe failed; again on reconnect');
        this.client?.once('connect', () => void subscribe());
      });
    };
    if (this.client.connected) await subscribe();
    else this.client.once('connect', () => void subscribe());
  }

  /** One warn per distinct error, again each minute while it lasts; debug in between. */
  private logError(message: string): void {
    const now = Date.now();
    const repeat =
      message === this.lastError.message && now - this.lastError.atMs < ERROR_REPEAT_MS;
    if (repeat) return this.log.debug({ err: message }, 'MQTT error (repeated)');
    this.lastError = { message, atMs: now };
    this.log.warn({ err: message }, 'MQTT error; retrying every 2 s');
  }

  /**
   * Says offline (retained) and disconnects. A broker that stopped answering (a connection cut
   * that the client has not noticed yet, a broker gone mid-stop) cannot hold the stop: each step
   * waits STOP_STEP_MS, then the connection is dropped (the broker's last will says offline).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    const client = this.client;
    if (!client) return;
    try {
      if (client.connected)
        await withTimeout(
          client.publishAsync(this.available, 'offline', { qos: 1, retain: true }),
          STOP_STEP_MS,
          'offline on stop',
        );
      await withTimeout(client.endAsync(), STOP_STEP_MS, 'disconnect');
    } catch (err) {
      this.log.warn(
        { err: errorMessage(err) },
        'MQTT broker did not answer the stop; disconnected',
      );
      await client.endAsync(true);
    }
  }
}
