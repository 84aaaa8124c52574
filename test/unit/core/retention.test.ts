import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { retentionRules } from '../../../services/alerts/retention-rules';
import { parseConfig } from '../../../services/config/load';
import { pruneFiles } from '../../../services/core/retention';
import { captureLogger } from '../../helpers/logger';
import { tempDir } from '../../helpers/media';

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const DAY = 86_400_000;

/** A file of `kb` KiB, last written `daysAgo` days before NOW. */
function file(dir: string, rel: string, kb: number, daysAgo: number): string {
  const p = path.join(dir, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, Buffer.alloc(kb * 1024));
  const t = (NOW - daysAgo * DAY) / 1000;
  utimesSync(p, t, t);
  return p;
}

describe('retention', () => {
  const { log } = captureLogger();

  test('by age, then oldest first down to the size cap; only its own kind of file, never the ring', async () => {
    const dir = tempDir('vigil-retention-');
    const old = file(dir, 'cam/2026-11-20/a.mp4', 10, 11);
    const mid = file(dir, 'cam/2026-11-28/b.mp4', 10, 3);
    const recent = file(dir, 'cam/2026-12-01/c.mp4', 10, 0.1);
    const other = file(dir, 'cam/2026-11-20/notes.txt', 10, 30);
    const ring = file(dir, 'cam/ring/r1-000001.mp4', 10, 30);
    const rule = {
      what: 'event clips',
      dir,
      ext: '.mp4',
      maxAgeMs: 7 * DAY,
      maxBytes: 15 * 1024,
      skip: ['ring'],
    };
    expect(await pruneFiles(rule, NOW, log)).toBe(2);
    expect([old, mid, recent, other, ring].map(existsSync)).toEqual([
      false,
      false,
      true,
      true,
      true,
    ]);
  });

  test('a folder that is not there yet is nothing to prune', async () => {
    const rule = { what: 'x', dir: '/nonexistent/vigil', ext: '.jpg', maxAgeMs: 1, maxBytes: 1 };
    expect(await pruneFiles(rule, NOW, log)).toBe(0);
  });

  test('the daemon keeps snapshots, clips and pose recordings, each by its own settings', () => {
    const config = parseConfig({
      dataDir: '/d',
      alerts: { retentionDays: 2, clipRetentionMaxMB: 10 },
      behaviour: { poseRetentionDays: 30 },
      cameras: [{ id: 'c', source: { url: 'x' } }],
    });
    expect(
      retentionRules(config).map((r) => [
        r.what,
        r.dir,
        r.ext,
        r.maxAgeMs / DAY,
        r.maxBytes / 2 ** 20,
      ]),
    ).toEqual([
      ['snapshots', '/d/snapshots', '.jpg', 2, 1024],
      ['event clips', '/d/clips', '.mp4', 7, 10],
      ['pose recordings', '/d/pose-tracks', '.json', 30, 2048],
    ]);
  });
});
