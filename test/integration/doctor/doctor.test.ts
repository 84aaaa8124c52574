import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { modelDir, readManifest } from '../../../services/pose/model-files';
import { REPO, requireVtest, tempDir } from '../../helpers/media';
import { requireMosquitto, startMosquitto } from '../../helpers/mosquitto';
import type { Mosquitto } from '../../helpers/mosquitto';
import { freePort } from '../../helpers/ports';

/** The real CLI (built by `npm run build`, as `npm run doctor` runs it). */
function doctor(config: string, json = false) {
  const r = spawnSync(
    process.execPath,
    [path.join(REPO, 'dist/scripts/doctor.js'), '--config', config, ...(json ? ['--json'] : [])],
    { cwd: REPO, encoding: 'utf8', timeout: 120_000 },
  );
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('npm run doctor', () => {
  test('on the demo config every check passes and it exits 0', () => {
    requireVtest();
    const r = doctor('config/demo.yaml');
    expect(r.code).toBe(0);
    for (const name of [
      'node',
      'ffmpeg',
      'gpu',
      'config',
      'model files',
      'inference',
      'api',
      'mqtt broker',
      'camera square',
      'disk',
    ]) {
      expect(r.out).toMatch(new RegExp(`^(ok|WARNING) +${name} `, 'm'));
    }
    expect(r.out).toContain('0 error(s)');
  }, 120_000);

  (requireMosquitto('the doctor on a broken site') ? describe : describe.skip)(
    'a broken site',
    () => {
      let broker: Mosquitto;
      beforeAll(async () => {
        broker = await startMosquitto({ vigil: 'right-password' });
      }, 20_000);
      afterAll(() => broker.stop());

      test('names a corrupt model file, a refused broker login and an unreachable camera, and exits 1', async () => {
        const dir = tempDir('vigil-doctor-');
        const entry = readManifest()['movenet-multipose']!;
        const models = path.join(dir, 'models');
        mkdirSync(models);
        for (const f of Object.keys(entry.files))
          copyFileSync(path.join(modelDir(entry, ''), f), path.join(models, f));
        const bin = path.join(models, 'movenet-multipose.bin');
        const data = readFileSync(bin);
        data[42] = data[42]! ^ 1;
        writeFileSync(bin, data);
        const deadPort = await freePort();
        const file = path.join(dir, 'site.yaml');
        writeFileSync(
          file,
          stringify({
            dataDir: path.join(dir, 'data'),
            mqtt: { url: broker.url, username: 'vigil', password: 'wrong-password' },
            inference: { modelDir: models },
            cameras: [
              { id: 'front', source: { url: requireVtest() } },
              { id: 'back', source: { url: `rtsp://admin:secret@127.0.0.1:${deadPort}/stream1` } },
            ],
          }),
        );
        const r = doctor(file, true);
        expect(r.code).toBe(1);
        const report = JSON.parse(r.out) as {
          ok: boolean;
          checks: { name: string; status: string; detail: string }[];
        };
        const status = Object.fromEntries(report.checks.map((c) => [c.name, c]));
        expect(report.ok).toBe(false);
        expect(status['model files']).toMatchObject({
          status: 'error',
          detail: expect.stringContaining('movenet-multipose.bin has sha256'),
        });
        expect(status['mqtt broker']).toMatchObject({
          status: 'error',
          detail: expect.stringMatching(/refused the login/),
        });
        expect(status['camera back']).toMatchObject({
          status: 'error',
          detail: expect.stringContaining('unreachable'),
        });
        expect(status['camera front']!.status).toBe('ok');
        expect(r.out).not.toContain('secret');
        expect(r.out).not.toContain('wrong-password');
      }, 120_000);
    },
  );
});
