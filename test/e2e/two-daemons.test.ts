import type { AlertPayload } from '../../services/alerts/payload-schemas';
import { startDaemon } from '../helpers/daemon';
import type { Daemon } from '../helpers/daemon';
import { tempDir } from '../helpers/media';
import { requireMosquitto, startMosquitto } from '../helpers/mosquitto';
import type { Mosquitto } from '../helpers/mosquitto';
import { recordMqtt } from '../helpers/mqtt-recorder';
import { freePort } from '../helpers/ports';
import { contractViolation } from '../helpers/schema-check';
import { siteConfig } from '../helpers/site';
import { waitFor } from '../helpers/wait';

/**
 * The way to grow a site past one box: two built daemons on one real mosquitto, each with its own
 * camera and mqtt.nodeId. Both cameras' alerts and statuses arrive; neither's retained state
 * (availability, status, rule states, Home Assistant devices) overwrites the other's; one
 * stopping leaves the other online.
 */
(requireMosquitto('the two-daemons test') ? describe : describe.skip)(
  'two daemons, one broker',
  () => {
    let broker: Mosquitto;
    const daemons: Daemon[] = [];

    beforeAll(async () => {
      broker = await startMosquitto();
    }, 20_000);
    afterAll(async () => {
      for (const d of daemons) if (d.proc.exitCode === null) d.proc.kill('SIGKILL');
      await broker.stop();
    });

    test('both alert and report; retained state stays apart; one stopping leaves the other online', async () => {
      const rec = await recordMqtt(broker.url, '#');
      for (const [node, camera] of [
        ['front', 'square'],
        ['back', 'yard'],
      ] as const) {
        const { file } = siteConfig(
          tempDir(`vigil-node-${node}-`),
          { url: broker.url, nodeId: node },
          await freePort(),
          4,
          camera,
        );
        daemons.push(startDaemon(['--config', file]));
      }
      const alerts = () =>
        rec.messages
          .filter((m) => /^vigil\/[^/]+\/alerts$/.test(m.topic))
          .map((m) => JSON.parse(m.payload.toString()) as AlertPayload);
      await waitFor(
        'a loitering start from each camera',
        () =>
          ['square', 'yard'].every((c) =>
            alerts().some((a) => a.camera === c && a.type === 'start'),
          ),
        90_000,
        250,
      );
      // A fresh subscriber sees each daemon's own retained state, none overwritten.
      const retained = await recordMqtt(broker.url, '#');
      await waitFor('retained state', () => retained.messages.length >= 2, 5000);
      await new Promise((r) => setTimeout(r, 500));
      const value = (topic: string) =>
        retained.messages
          .filter((m) => m.topic === topic)
          .at(-1)
          ?.payload.toString();
      expect(value('vigil/available/front')).toBe('online');
      expect(value('vigil/available/back')).toBe('online');
      expect(value('vigil/available')).toBeUndefined();
      for (const c of ['square', 'yard']) {
        expect(JSON.parse(value(`vigil/${c}/status`)!)).toMatchObject({ camera: c });
        expect(value(`homeassistant/binary_sensor/vigil_${c}/online/config`)).toContain(
          c === 'square' ? 'vigil/available/front' : 'vigil/available/back',
        );
      }
      await retained.client.endAsync();
      // Two clients, two ids: neither was kicked off by the other (no reconnect loop).
      expect(daemons.map((d) => d.stdout().includes('"msg":"MQTT connected"'))).toEqual([
        true,
        true,
      ]);
      for (const d of daemons)
        expect(d.stdout().match(/MQTT connection closed/g) ?? []).toEqual([]);

      daemons[0]!.proc.kill('SIGTERM');
      expect(await daemons[0]!.exited).toBe(0);
      await waitFor('front offline', () =>
        rec.messages.some(
          (m) => m.topic === 'vigil/available/front' && m.payload.toString() === 'offline',
        ),
      );
      expect(
        rec.messages
          .filter((m) => m.topic === 'vigil/available/back')
          .map((m) => m.payload.toString()),
      ).toEqual(['online']);
      const broken = rec.messages
        .filter((m) => m.topic.startsWith('vigil/'))
        .map(contractViolation);
      expect(broken.filter(Boolean)).toEqual([]);
      await rec.client.endAsync();
    }, 150_000);
  },
);
