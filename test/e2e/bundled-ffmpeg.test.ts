import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { startDaemon } from '../helpers/daemon';
import type { Daemon } from '../helpers/daemon';
import { tempDir } from '../helpers/media';
import { freePort } from '../helpers/ports';
import { siteConfig } from '../helpers/site';
import { waitFor } from '../helpers/wait';

/**
 * `npm ci && npm run demo` on a machine without a system ffmpeg: the daemon runs on the static
 * build `npm ci` brought (@ffmpeg-installer/ffmpeg). The daemon's PATH holds node and nothing
 * else, so no system ffmpeg or ffprobe can be found.
 */
describe('without a system ffmpeg', () => {
  let daemon: Daemon | undefined;
  afterEach(async () => {
    if (daemon && daemon.proc.exitCode === null) {
      daemon.proc.kill('SIGTERM');
      await daemon.exited;
    }
  });

  test('the daemon decodes with the npm ffmpeg and raises the demo alert', async () => {
    const dir = tempDir('vigil-bundled-');
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, path.join(bin, 'node'));
    const { file } = siteConfig(
      dir,
      { url: 'embedded', embeddedPort: await freePort() },
      await freePort(),
    );
    daemon = startDaemon(['--config', file], { PATH: bin, VIGIL_FFMPEG: '' });
    const d = daemon;
    await waitFor('a loitering alert', () => /LOITERING person/.test(d.stderr()), 90_000, 250);
    const found = d
      .stdout()
      .split('\n')
      .filter((l) => l.includes('"ffmpeg found"'))
      .map((l) => JSON.parse(l) as { origin: string; ffmpeg: string });
    expect(found).toEqual([
      expect.objectContaining({
        origin: 'bundled',
        ffmpeg: expect.stringContaining('node_modules'),
      }),
    ]);
  }, 120_000);
});
