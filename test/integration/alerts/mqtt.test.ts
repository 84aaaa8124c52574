import { MqttAlertOutput } from '../../../services/alerts/mqtt-alert-output';
import { MqttPublisher } from '../../../services/alerts/mqtt-publisher';
import { buildAlert } from '../../../services/alerts/alert';
import { ruleEvent } from '../../helpers/events';
import { tempDir } from '../../helpers/media';
import { Outbox } from '../../../services/alerts/outbox';
import { captureLogger } from '../../helpers/logger';
import { recordMqtt } from '../../helpers/mqtt-recorder';
import { startEmbeddedBroker } from '../../helpers/broker';
import { requireMosquitto, startMosquitto } from '../../helpers/mosquitto';
import { waitFor } from '../../helpers/wait';

const alert = buildAlert(
  {
    id: '7d1c2a4e-9b1f-4c3e-8a2d-5f6e7a8b9c0d',
    type: 'start',
    seq: 0,
    severity: 'low',
    ack: null,
    snapshot: null,
    snapshotTopic: null,
  },
  { id: 'cam1', name: 'Cam 1', width: 768, height: 576 },
  ruleEvent('start'),
);

interface Broker {
  url: string;
  /** Vigil's login and a reader's (the embedded broker refuses anonymous clients). */
  vigil?: { username: string; password: string };
  reader?: { username: string; password: string };
  stop(): Promise<void>;
}

async function embedded(): Promise<Broker> {
  const b = await startEmbeddedBroker(captureLogger().log);
  return { url: b.url, vigil: b.vigil, reader: b.viewer, stop: () => b.broker.stop() };
}

const brokers: [string, () => Promise<Broker>][] = [['embedded aedes', embedded]];
if (requireMosquitto('the mosquitto round trip'))
  brokers.push(['mosquitto', () => startMosquitto()]);

describe.each(brokers)('MQTT round trip through %s', (_name, makeBroker) => {
  let broker: Broker;
  /** Every client a test made, ended after it whatever happened (a leaked client reconnecting
   * after the test environment is gone takes the next suites down). */
  const clients: { stop(): Promise<unknown> }[] = [];
  beforeEach(async () => {
    broker = await makeBroker();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.stop().catch(() => undefined)));
    await broker.stop();
  });

  test('an alert arrives on vigil/<camera>/alerts as JSON; vigil/available is retained online', async () => {
    const pub = new MqttPublisher(
      { url: broker.url, clientId: 'vigil-test', ...broker.vigil },
      captureLogger().log,
    );
    clients.push(pub);
    await pub.start();
    const rec = await recordMqtt(broker.url, 'vigil/#', undefined, broker.reader);
    clients.push({ stop: () => rec.client.endAsync(true) });
    const outbox = new Outbox(
      tempDir(),
      pub,
      { maxBytes: 1 << 20, publishTimeoutMs: 5000, retryMs: 100 },
      captureLogger().log,
    );
    await outbox.start();
    await new MqttAlertOutput(outbox).send(alert);
    const got = await waitFor('the alert', () =>
      rec.messages.find((m) => m.topic === 'vigil/cam1/alerts'),
    );
    expect(JSON.parse(got.payload.toString())).toEqual(alert);
    const avail = await waitFor('availability', () =>
      rec.messages.find((m) => m.topic === 'vigil/available'),
    );
    expect(avail).toMatchObject({ retain: true });
    expect(avail.payload.toString()).toBe('online');
    await outbox.stop();
    await pub.stop();
    await waitFor('offline on clean stop', () =>
      rec.messages.some((m) => m.topic === 'vigil/available' && m.payload.toString() === 'offline'),
    );
    await rec.client.endAsync();
  });

  test('when the daemon vanishes, the broker publishes its last will: offline', async () => {
    const pub = new MqttPublisher(
      { url: broker.url, clientId: 'vigil-lwt', ...broker.vigil },
      captureLogger().log,
    );
    clients.push(pub);
    await pub.start();
    const rec = await recordMqtt(broker.url, 'vigil/#', undefined, broker.reader);
    clients.push({ stop: () => rec.client.endAsync(true) });
    await waitFor('online', () => rec.messages.some((m) => m.payload.toString() === 'online'));
    // Cut the TCP connection without a DISCONNECT, as a crash or a power cut would; a process
    // that vanished does not come back, so the client must not reconnect (a reconnect with the
    // same client id would take the session over before the broker saw the old one gone).
    const client = (
      pub as unknown as {
        client: { options: { reconnectPeriod: number }; stream: { destroy(): void } };
      }
    ).client;
    client.options.reconnectPeriod = 0;
    client.stream.destroy();
    await waitFor(
      'last will',
      () =>
        rec.messages.some(
          (m) => m.topic === 'vigil/available' && m.payload.toString() === 'offline',
        ),
      10_000,
    );
    // Its stop returns although the broker can no longer answer it.
    await pub.stop();
    await rec.client.endAsync();
  }, 20_000);
});
