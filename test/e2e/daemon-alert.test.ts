import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { siteConfig } from '../helpers/site';
import path from 'node:path';
import { stringify } from 'yaml';
import type { MqttClient } from 'mqtt';
import type { AlertPayload } from '../../services/alerts/payload-schemas';
import { startDaemon } from '../helpers/daemon';
import type { Daemon } from '../helpers/daemon';
import { tempDir } from '../helpers/media';
import { recordMqtt } from '../helpers/mqtt-recorder';
import { TEST_CLERK, TEST_CLERK_USER } from '../helpers/broker';
import type { Received } from '../helpers/mqtt-recorder';
import { freePort } from '../helpers/ports';
import { contractViolation } from '../helpers/schema-check';
import { waitFor } from '../helpers/wait';

const alertsOf = (msgs: Received[]) =>
  msgs
    .filter((m) => m.topic === 'vigil/square/alerts')
    .map((m) => JSON.parse(m.payload.toString()) as AlertPayload);

/**
 * The whole daemon, built, on a real file played in real time, with a real MQTT client: people
 * who stand in the middle of the PETS square raise a loitering alert.
 */
describe('vigil daemon end to end', () => {
  let daemon: Daemon | undefined;
  const recorders: MqttClient[] = [];
  afterEach(async () => {
    await Promise.all(recorders.splice(0).map((c) => c.endAsync(true)));
    if (daemon && daemon.proc.exitCode === null) {
      daemon.proc.kill('SIGKILL');
      await daemon.exited;
    }
  });

  test('loitering alert on MQTT: snapshot first, schema-valid payloads, one incident lifecycle, clerk ack echoed, malformed commands ignored', async () => {
    const dir = tempDir('vigil-e2e-');
    const [mqttPort, apiPort] = [await freePort(), await freePort()];
    const { file, dataDir } = siteConfig(
      dir,
      { url: 'embedded', embeddedPort: mqttPort, users: [TEST_CLERK_USER] },
      apiPort,
    );
    daemon = startDaemon(['--config', file]);
    const url = `mqtt://127.0.0.1:${mqttPort}`;
    const rec = await waitFor(
      'the embedded broker',
      async () => recordMqtt(url, 'vigil/#', undefined, TEST_CLERK).catch(() => undefined),
      60_000,
      250,
    );
    recorders.push(rec.client);
    const snapshotOnDiskAtArrival = new Map<string, boolean>();
    rec.client.on('message', (topic, payload) => {
      if (topic !== 'vigil/square/alerts') return;
      const a = JSON.parse(payload.toString()) as AlertPayload;
      if (a.type === 'start')
        snapshotOnDiskAtArrival.set(
          a.id,
          a.snapshot !== null && existsSync(path.join(dataDir, a.snapshot)),
        );
    });
    const start = await waitFor(
      'a loitering start',
      () => alertsOf(rec.messages).find((a) => a.type === 'start'),
      90_000,
      100,
    );
    expect(start).toMatchObject({
      camera: 'square',
      rule: 'loitering',
      zone: 'meeting-point',
      seq: 0,
      severity: 'low',
      ack: null,
    });
    expect(start.durationSeconds).toBeGreaterThanOrEqual(4);
    // The snapshot was on disk when the message arrived, and its bytes came first on their topic.
    expect(snapshotOnDiskAtArrival.get(start.id)).toBe(true);
    const snapIdx = rec.messages.findIndex((m) => m.topic === start.snapshotTopic);
    const startIdx = rec.messages.findIndex(
      (m) => m.topic === 'vigil/square/alerts' && m.payload.toString().includes(start.id),
    );
    expect(snapIdx).toBeGreaterThanOrEqual(0);
    expect(snapIdx).toBeLessThan(startIdx);

    // A clerk acknowledges (while the incident is open), then 50 malformed commands arrive.
    await rec.client.publishAsync(
      `vigil/square/alerts/${start.id}/ack`,
      JSON.stringify({ by: 'clerk-ann', note: 'on my way' }),
      { qos: 1 },
    );
    const bad = [
      '',
      'not json',
      '[]',
      '{}',
      '{"by":""}',
      '{"by":5}',
      '{"by":"x","extra":1}',
      '{"by":"x","minutes":-3}',
      '{"minutes":"ten"}',
      'x'.repeat(5000),
    ];
    // From another clerk client: the broker disconnects a client whose publish its ACL refuses
    // (the `../../etc` topics are no command topic), and that must not cost the recorder.
    const noisy = await recordMqtt(url, 'vigil/square/status', undefined, TEST_CLERK);
    recorders.push(noisy.client);
    for (let i = 0; i < 50; i++) {
      const cmd = i % 2 ? 'snooze' : 'ack';
      const id = i % 3 === 0 ? start.id : i % 3 === 1 ? 'no-such-alert' : '../../etc';
      noisy.client.publish(`vigil/square/alerts/${id}/${cmd}`, bad[i % bad.length]!, { qos: 1 });
    }
    // The acknowledgement is persisted; while the incident is open it is also echoed as an
    // `update` (a short incident may already have ended: then there is nothing to update).
    await waitFor(
      'the acknowledgement persisted',
      () => {
        const state = path.join(dataDir, 'alert-state.json');
        return existsSync(state) && readFileSync(state, 'utf8').includes('clerk-ann');
      },
      20_000,
    );
    const endedFirst = () =>
      alertsOf(rec.messages).some((a) => a.id === start.id && a.type === 'end');
    const echo = await waitFor(
      'the acknowledgement echoed (or the incident over)',
      () =>
        alertsOf(rec.messages).find((a) => a.id === start.id && a.ack?.by === 'clerk-ann') ??
        (endedFirst() ? 'ended' : undefined),
      20_000,
    );
    if (echo !== 'ended')
      expect(echo).toMatchObject({ type: 'update', ack: { by: 'clerk-ann', note: 'on my way' } });
    expect((await fetch(`http://127.0.0.1:${apiPort}/healthz`)).status).toBe(200);

    // The incident ends when the people walk off: one start, a few updates, one end.
    await waitFor(
      'the end of the incident',
      () => alertsOf(rec.messages).find((a) => a.id === start.id && a.type === 'end'),
      40_000,
      200,
    );
    const incident = alertsOf(rec.messages).filter((a) => a.id === start.id);
    expect(incident.filter((a) => a.type === 'start')).toHaveLength(1);
    expect(incident.filter((a) => a.type === 'end')).toHaveLength(1);
    expect(incident.filter((a) => a.type === 'update').length).toBeLessThanOrEqual(4);
    expect(incident.map((a) => a.seq)).toEqual(incident.map((_, i) => i));
    const status = rec.messages.find((m) => m.topic === 'vigil/square/status');
    expect(status?.retain).toBe(false); // live delivery; the broker keeps it retained for new subscribers
    expect(daemon.stderr()).toContain('[vigil] LOITERING person #');

    daemon.proc.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
    // A clean stop is not an outage: no warning or error in the log while stopping.
    const stopping = daemon.stdout().slice(daemon.stdout().indexOf('"msg":"stopping"'));
    const loud = stopping
      .split('\n')
      .filter((l) => /"level":(40|50|60)/.test(l))
      .map((l) => JSON.parse(l) as { msg: string; user?: string })
      // The test's own refused command (MQTT.js resends an unacknowledged QoS 1 publish on
      // reconnect) is the broker doing its job, not the daemon's stop.
      .filter((e) => !(e.msg === 'mqtt publish refused' && e.user === TEST_CLERK.username));
    expect(loud).toEqual([]);
    await waitFor('offline after a clean stop', () =>
      rec.messages.some((m) => m.topic === 'vigil/available' && m.payload.toString() === 'offline'),
    );
    // Every message the daemon published keeps the documented contract.
    expect(rec.messages.map(contractViolation).filter(Boolean)).toEqual([]);
    await rec.client.endAsync();
  }, 180_000);

  test('the API and the embedded broker on one port: exit 1, and the code and the clash on stderr for a person', async () => {
    const dir = tempDir('vigil-e2e-');
    const port = await freePort();
    const { file } = siteConfig(dir, { url: 'embedded', embeddedPort: port }, port);
    daemon = startDaemon(['--config', file]);
    expect(await daemon.exited).toBe(1);
    expect(daemon.stderr()).toMatch(
      new RegExp(`vigil: startup failed: VIGIL_ERR_(API|BROKER)_START: .*${port}`),
    );
  }, 60_000);

  test('a bad config file stops the daemon with exit code 2 and lists every problem', async () => {
    const dir = tempDir('vigil-e2e-');
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(
      file,
      stringify({
        mqtt: { url: 'nope' },
        cameras: [
          {
            id: 'A B',
            source: { url: 'rtsp://h/s' },
            zones: [
              {
                id: 'z',
                polygon: [
                  [0, 0],
                  [2, 2],
                ],
              },
            ],
          },
        ],
        colour: 'red',
      }),
    );
    daemon = startDaemon(['--config', file]);
    expect(await daemon.exited).toBe(2);
    const err = daemon.stderr();
    expect(err).toContain('VIGIL_ERR_CONFIG_INVALID');
    for (const p of [
      '/colour',
      '/cameras/0/id',
      '/cameras/0/zones/0/polygon',
      '/cameras/0/zones/0/polygon/1/0',
    ])
      expect(err).toContain(`  - ${p}:`);
  }, 30_000);

  test('without a config the daemon explains its usage and exits 2', async () => {
    daemon = startDaemon([], { VIGIL_CONFIG: '' });
    expect(await daemon.exited).toBe(2);
    expect(daemon.stderr()).toContain('VIGIL_ERR_USAGE');
  }, 30_000);
});
