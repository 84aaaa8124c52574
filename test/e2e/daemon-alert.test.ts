import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { AlertPayload } from '../../services/alerts/alert';
import { startDaemon } from '../helpers/daemon';
import type { Daemon } from '../helpers/daemon';
import { tempDir, vtestClip } from '../helpers/media';
import { recordMqtt } from '../helpers/mqtt-recorder';
import { freePort } from '../helpers/ports';
import { waitFor } from '../helpers/wait';

/**
 * The whole daemon, built, on a real file played in real time: people who stand in the middle of
 * the PETS square from about 3 s in raise a loitering alert that a real MQTT client receives.
 */
describe('vigil daemon end to end', () => {
  let daemon: Daemon | undefined;
  afterEach(async () => {
    if (daemon && daemon.proc.exitCode === null) {
      daemon.proc.kill('SIGKILL');
      await daemon.exited;
    }
  });

  test('a person standing in a zone raises a loitering alert on MQTT, with its snapshot on disk', async () => {
    const dir = tempDir('vigil-e2e-');
    const [mqttPort, apiPort] = [await freePort(), await freePort()];
    const config = {
      logLevel: 'info',
      dataDir: path.join(dir, 'data'),
      api: { host: '127.0.0.1', port: apiPort },
      mqtt: { url: 'embedded', embeddedPort: mqttPort },
      cameras: [
        {
          id: 'square',
          name: 'Campus square',
          source: { url: vtestClip(0, 200, dir), loop: true, realtime: true },
          analysis: { fps: 5, width: 768, height: 576 },
          zones: [
            {
              id: 'meeting-point',
              name: 'Meeting point',
              polygon: [
                [0.45, 0.4],
                [0.63, 0.4],
                [0.63, 0.53],
                [0.45, 0.53],
              ],
              loitering: { dwellSeconds: 4, graceSeconds: 2 },
            },
          ],
        },
      ],
    };
    const file = path.join(dir, 'site.yaml');
    writeFileSync(file, stringify(config));
    daemon = startDaemon(['--config', file]);
    const url = `mqtt://127.0.0.1:${mqttPort}`;
    const rec = await waitFor(
      'the embedded broker',
      async () => recordMqtt(url).catch(() => undefined),
      60_000,
      250,
    );
    const msg = await waitFor(
      'a loitering start alert',
      () => rec.messages.find((m) => m.topic === 'vigil/square/alerts'),
      90_000,
      100,
    );
    const alert = JSON.parse(msg.payload.toString()) as AlertPayload;
    expect(alert).toMatchObject({
      schemaVersion: 1,
      type: 'start',
      camera: 'square',
      rule: 'loitering',
      zone: 'meeting-point',
    });
    expect(alert.durationSeconds).toBeGreaterThanOrEqual(4);
    expect(alert.snapshot).toMatch(/^snapshots\/square\/.*\.jpg$/);
    expect(existsSync(path.join(config.dataDir, alert.snapshot!))).toBe(true);
    // The person's box is inside the frame and its bottom (feet) near the zone.
    expect(alert.box.y + alert.box.h).toBeGreaterThan(0.35);
    expect(alert.box.y + alert.box.h).toBeLessThan(0.6);

    const health = await fetch(`http://127.0.0.1:${apiPort}/healthz`);
    expect(health.status).toBe(200);
    const cams = (await (await fetch(`http://127.0.0.1:${apiPort}/api/cameras`)).json()) as {
      backend: string;
      cameras: { state: string; framesAnalysed: number }[];
    };
    expect(cams.backend).toBe('wasm');
    expect(cams.cameras[0]!.state).toBe('streaming');
    expect(cams.cameras[0]!.framesAnalysed).toBeGreaterThan(10);
    expect(daemon.stderr()).toContain('[vigil] LOITERING person #');

    daemon.proc.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
    await waitFor('offline after a clean stop', () =>
      rec.messages.some((m) => m.topic === 'vigil/available' && m.payload.toString() === 'offline'),
    );
    await rec.client.endAsync();
  }, 150_000);

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
