import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { stringify } from 'yaml';
import { AlertService } from '../../../services/alerts/alert-service';
import { HA_RULES } from '../../../services/alerts/home-assistant';
import { mosquittoPasswordLine } from '../../../services/alerts/mosquitto-files';
import { MqttPublisher } from '../../../services/alerts/mqtt-publisher';
import { loadConfigFile } from '../../../services/config/load';
import { systemClock } from '../../../services/core/clock';
import type { Logger } from '../../../services/core/logger';
import { startEmbeddedBroker } from '../../helpers/broker';
import { ruleEvent } from '../../helpers/events';
import { captureLogger } from '../../helpers/logger';
import { REPO, tempDir } from '../../helpers/media';
import { requireMosquitto, startMosquitto } from '../../helpers/mosquitto';
import { recordMqtt } from '../../helpers/mqtt-recorder';
import { blackFrame, SMALL_CAM } from '../../helpers/scene';
import { waitFor } from '../../helpers/wait';

/** Per camera: online, tampered, one per rule, people, fps, the snapshot image, the alert event. */
const PER_CAMERA = HA_RULES.length + 6;
const VIGIL = { username: 'vigil', password: 'vigil-secret-28' };
const HA = { username: 'homeassistant', password: 'ha-secret-28' };

/** The site's config file: an external broker, Home Assistant discovery on, one camera. */
function siteFile(dir: string, url: string): string {
  const file = path.join(dir, 'site.yaml');
  writeFileSync(
    file,
    stringify({
      dataDir: path.join(dir, 'data'),
      mqtt: {
        url,
        ...VIGIL,
        homeAssistant: { discovery: true },
        users: [{ name: HA.username, role: 'viewer', sha256: '0'.repeat(64) }],
      },
      alerts: { zoneCooldownSeconds: 0 },
      cameras: [{ id: 'cam', source: { url: 'rtsp://127.0.0.1/none' } }],
    }),
  );
  return file;
}

/** `npm run token -- mosquitto-acl <config>`, as an integrator runs it (built script). */
const generatedAcl = (file: string) =>
  execFileSync(
    process.execPath,
    [path.join(REPO, 'dist/scripts/token.js'), 'mosquitto-acl', file],
    {
      encoding: 'utf8',
    },
  );

/** Vigil's publisher and alert service on `url`, with the config of `file`. */
async function startVigil(file: string, url: string, log: Logger, login = VIGIL) {
  const config = loadConfigFile(file);
  const pub = new MqttPublisher({ url, clientId: 'vigil', ...login }, log);
  await pub.start();
  const alerts = new AlertService(config, pub, systemClock, log);
  await alerts.start();
  const raise = async (trackId: number) => {
    const now = Date.now();
    const [a] = await alerts.dispatcher.dispatch(
      SMALL_CAM,
      blackFrame(),
      [],
      [ruleEvent('start', { trackId, startedAtMs: now - 31_000, atMs: now })],
    );
    return a!;
  };
  return {
    alerts,
    raise,
    stop: async () => {
      await alerts.stop();
      await pub.stop();
    },
  };
}

const connects = (lines: () => Record<string, unknown>[]) =>
  lines().filter((l) => l.msg === 'MQTT connected').length;

describe('Home Assistant discovery and the broker ACL', () => {
  const clients: MqttClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  });

  (requireMosquitto('the generated-ACL discovery test') ? test : test.skip)(
    'real mosquitto with the generated ACL: discovery reaches Home Assistant, and the first alert goes out on the first connection',
    async () => {
      const { log, lines } = captureLogger('debug');
      const dir = tempDir('vigil-ha-acl-');
      // The port is only known once mosquitto runs; the ACL does not depend on the URL.
      const acl = generatedAcl(siteFile(dir, 'mqtt://127.0.0.1:1'));
      expect(acl).toContain('topic readwrite homeassistant/#');
      const broker = await startMosquitto({
        passwordFile: [VIGIL, HA]
          .map((l) => mosquittoPasswordLine(l.username, l.password))
          .join('\n'),
        aclFile: acl,
        probe: VIGIL,
      });
      const file = siteFile(dir, broker.url);
      const ha = await recordMqtt(broker.url, 'homeassistant/#', undefined, HA);
      const clerk = await recordMqtt(broker.url, 'vigil/cam/alerts', undefined, HA);
      clients.push(ha.client, clerk.client);
      const vigil = await startVigil(file, broker.url, log);
      try {
        const start = await vigil.raise(1);
        await waitFor('the alert', () =>
          clerk.messages.some((m) => m.payload.toString().includes(start.id)),
        );
        await waitFor('the discovery configs', () => ha.messages.length === PER_CAMERA);
        expect(
          ha.messages.every((m) => /^homeassistant\/\w+\/vigil_cam\/\w+\/config$/.test(m.topic)),
        ).toBe(true);
        // Not delayed: one connection, no failed publish, nothing given up.
        expect(connects(lines)).toBe(1);
        expect(
          lines().filter((l) => /outbox publish failed|connection closed/.test(String(l.msg))),
        ).toEqual([]);
        expect(lines().filter((l) => l.code === 'VIGIL_ERR_MQTT_DENIED')).toEqual([]);
      } finally {
        await vigil.stop();
        await broker.stop();
      }
    },
    60_000,
  );

  test('a broker that drops Vigil at each denied publish (aedes, an ACL without the discovery prefix): the prefix is given up with a coded error, alerts go out, no reconnect loop', async () => {
    const { log, lines } = captureLogger('debug');
    const dir = tempDir('vigil-ha-narrow-');
    // The embedded broker told nothing of discovery: its ACL denies homeassistant/ to Vigil.
    const b = await startEmbeddedBroker(captureLogger().log, 'vigil');
    const clerk = await recordMqtt(b.url, 'vigil/cam/alerts', undefined, b.viewer);
    clients.push(clerk.client);
    const vigil = await startVigil(siteFile(dir, b.url), b.url, log, b.vigil);
    try {
      const first = await vigil.raise(1);
      await waitFor(
        'the first alert past the denied discovery',
        () => clerk.messages.some((m) => m.payload.toString().includes(first.id)),
        30_000,
      );
      const denied = lines().filter((l) => l.code === 'VIGIL_ERR_MQTT_DENIED');
      expect(denied).toMatchObject([{ prefix: 'homeassistant/', level: 50 }]);
      expect(String(denied[0]!.topic)).toMatch(/^homeassistant\/.*\/config$/);
      await waitFor('the outbox drained', () => vigil.alerts.outbox.depth === 0, 30_000);
      const after = connects(lines);
      // Two drops before giving up: three connections at most, and no more with later alerts.
      expect(after).toBeLessThanOrEqual(3);
      const second = await vigil.raise(2);
      await waitFor('the second alert', () =>
        clerk.messages.some((m) => m.payload.toString().includes(second.id)),
      );
      expect(connects(lines)).toBe(after);
    } finally {
      await vigil.stop();
      await b.broker.stop();
    }
  }, 60_000);

  (requireMosquitto('the narrow-ACL test on mosquitto') ? test : test.skip)(
    'real mosquitto with an ACL that omits the discovery prefix: alerts go out on one connection (this mosquitto acknowledges denied publishes)',
    async () => {
      const { log, lines } = captureLogger('debug');
      const dir = tempDir('vigil-ha-narrow-mosq-');
      const narrow = generatedAcl(siteFile(dir, 'mqtt://127.0.0.1:1')).replace(
        /^topic readwrite homeassistant\/#\n/m,
        '',
      );
      const broker = await startMosquitto({
        passwordFile: [VIGIL, HA]
          .map((l) => mosquittoPasswordLine(l.username, l.password))
          .join('\n'),
        aclFile: narrow,
        probe: VIGIL,
      });
      const clerk = await recordMqtt(broker.url, 'vigil/cam/alerts', undefined, HA);
      clients.push(clerk.client);
      const vigil = await startVigil(siteFile(dir, broker.url), broker.url, log);
      try {
        const start = await vigil.raise(1);
        await waitFor('the alert', () =>
          clerk.messages.some((m) => m.payload.toString().includes(start.id)),
        );
        await waitFor('the outbox drained', () => vigil.alerts.outbox.depth === 0, 30_000);
        expect(connects(lines)).toBe(1);
      } finally {
        await vigil.stop();
        await broker.stop();
      }
    },
    60_000,
  );
});
