import { Value } from '@sinclair/typebox/value';
import { AlertService } from '../../../services/alerts/alert-service';
import { MqttPublisher } from '../../../services/alerts/mqtt-publisher';
import { AlertPayloadSchema } from '../../../services/alerts/payload-schemas';
import type { AlertPayload } from '../../../services/alerts/payload-schemas';
import { parseConfig } from '../../../services/config/load';
import { systemClock } from '../../../services/core/clock';
import { ruleEvent } from '../../helpers/events';
import { captureLogger } from '../../helpers/logger';
import { tempDir } from '../../helpers/media';
import { requireMosquitto, startMosquitto } from '../../helpers/mosquitto';
import { recordMqtt } from '../../helpers/mqtt-recorder';
import { blackFrame, SMALL_CAM } from '../../helpers/scene';
import { waitFor } from '../../helpers/wait';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

(requireMosquitto('the broker outage test') ? test : test.skip)(
  'real mosquitto stopped for 30 s while alerts are raised: after its restart every alert arrives, in order',
  async () => {
    const persist = tempDir('vigil-mosq-data-');
    let broker = await startMosquitto(undefined, undefined, persist);
    const config = parseConfig({
      dataDir: tempDir('vigil-outage-'),
      // Only the alert path is counted here (Home Assistant's extra topics: home-assistant.test.ts).
      mqtt: { url: broker.url, homeAssistant: { discovery: false } },
      alerts: { zoneCooldownSeconds: 0 },
      cameras: [{ id: 'cam', source: { url: 'rtsp://127.0.0.1/none' } }],
    });
    const { log } = captureLogger('debug');
    const pub = new MqttPublisher({ url: broker.url, clientId: 'vigil-outage' }, log);
    await pub.start();
    const alerts = new AlertService(config, pub, systemClock, log);
    await alerts.start();
    // A persistent session: what is published while it reconnects waits for it at the broker.
    const rec = await recordMqtt(broker.url, 'vigil/cam/alerts', { clientId: 'outage-recorder' });
    const cam = SMALL_CAM;
    const frame = blackFrame();
    const raised: string[] = [];
    const raise = async (trackId: number, type: 'start' | 'end') => {
      const now = Date.now();
      const sent = await alerts.dispatcher.dispatch(
        cam,
        frame,
        [],
        [ruleEvent(type, { trackId, startedAtMs: now - 31_000, atMs: now })],
      );
      raised.push(...sent.map((a) => `${a.id}:${a.type}`));
    };
    try {
      await raise(1, 'start');
      await waitFor('the first alert', () => rec.messages.length === 1);
      await broker.stop();
      const down = Date.now();
      for (let t = 2; t <= 6; t++) {
        await raise(t, 'start');
        await sleep(2500);
        await raise(t, 'end');
        await sleep(2500);
      }
      await raise(1, 'end');
      // 11 alert messages and the 5 snapshots of the starts wait on disk.
      expect(alerts.outbox.depth).toBe(16);
      await sleep(Math.max(0, 30_000 - (Date.now() - down)));
      broker = await startMosquitto(undefined, broker.port, persist);
      await waitFor(
        'every alert after the restart',
        () => rec.messages.length >= raised.length,
        30_000,
        100,
      );
      const got = rec.messages.map((m) => JSON.parse(m.payload.toString()) as AlertPayload);
      expect(got.map((a) => `${a.id}:${a.type}`)).toEqual(raised);
      for (const a of got) expect(Value.Check(AlertPayloadSchema, a)).toBe(true);
      expect(alerts.outbox.depth).toBe(0);
    } finally {
      await alerts.stop();
      await pub.stop().catch(() => undefined);
      await rec.client.endAsync();
      await broker.stop();
    }
  },
  90_000,
);
