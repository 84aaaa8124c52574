import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { sha256Hex } from '../../services/core/hashing';
import { startDaemon } from '../helpers/daemon';
import type { Daemon } from '../helpers/daemon';
import { requireVtest, tempDir } from '../helpers/media';
import { requireMosquitto, startMosquitto } from '../helpers/mosquitto';
import { freePort } from '../helpers/ports';
import { waitFor } from '../helpers/wait';

const TOKEN = 'daemon-env-viewer-token';
const PASSWORD = 'pw-from-the-environment-7d1';

/**
 * The README's environment overrides reach the built daemon: the API port, the broker URL and
 * the broker password (as a value and as a _FILE secret) come only from the environment here,
 * and mosquitto (password file, no anonymous) accepts Vigil's login.
 */
(requireMosquitto('the environment override test') ? describe : describe.skip)(
  'VIGIL_* environment overrides on the built daemon',
  () => {
    test.each([
      ['VIGIL_MQTT_PASSWORD', (_dir: string) => ({ VIGIL_MQTT_PASSWORD: PASSWORD })],
      [
        'VIGIL_MQTT_PASSWORD_FILE',
        (dir: string) => {
          const secret = path.join(dir, 'mqtt-password');
          writeFileSync(secret, `${PASSWORD}\n`, { mode: 0o600 });
          return { VIGIL_MQTT_PASSWORD_FILE: secret };
        },
      ],
    ])(
      'API port and MQTT URL from the environment, the password from %s: ready, logged in to mosquitto',
      async (_name, secretEnv) => {
        const dir = tempDir('vigil-env-');
        const broker = await startMosquitto({ vigil: PASSWORD });
        const file = path.join(dir, 'site.yaml');
        // The file names a broker and a port that do not answer, and no password.
        writeFileSync(
          file,
          stringify({
            dataDir: path.join(dir, 'data'),
            api: {
              host: '127.0.0.1',
              port: 1,
              tokens: [{ name: 'screen', role: 'viewer', sha256: sha256Hex(TOKEN) }],
            },
            mqtt: { url: 'mqtt://127.0.0.1:1', username: 'vigil' },
            cameras: [{ id: 'square', enabled: false, source: { url: requireVtest() } }],
          }),
        );
        const port = await freePort();
        const daemon: Daemon = startDaemon(['--config', file], {
          VIGIL_API_PORT: String(port),
          VIGIL_MQTT_URL: broker.url,
          ...secretEnv(dir),
        });
        try {
          const ready = await waitFor(
            'the daemon ready on the port from the environment',
            async () => {
              if (daemon.proc.exitCode !== null)
                throw new Error(`daemon exited: ${daemon.stderr()}`);
              const r = await fetch(`http://127.0.0.1:${port}/readyz`, {
                headers: { authorization: `Bearer ${TOKEN}` },
              }).catch(() => undefined);
              return r?.status === 200 && ((await r.json()) as { ready: boolean });
            },
            90_000,
            200,
          );
          expect(ready).toEqual({ ready: true, reasons: [] });
          expect(daemon.stdout()).toContain(`"mqtt":"${broker.url}"`);
          expect(daemon.stdout()).not.toContain('Not authorized');
          expect(`${daemon.stdout()}${daemon.stderr()}`).not.toContain(PASSWORD);
        } finally {
          daemon.proc.kill('SIGTERM');
          await daemon.exited;
          await broker.stop();
        }
      },
      120_000,
    );
  },
);
