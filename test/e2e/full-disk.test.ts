import { existsSync, lstatSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/media';
import { alive, startStateSite } from '../helpers/state-site';
import { mountTinyTmpfs } from '../helpers/tiny-tmpfs';
import type { TinyTmpfs } from '../helpers/tiny-tmpfs';
import { waitFor } from '../helpers/wait';

/** Whether this box lets us mount a tmpfs (root); under CI=true a refusal fails the suite. */
function tmpfsAllowed(): boolean {
  const probe = mountTinyTmpfs(tempDir('vigil-tmpfs-probe-'), 1024 * 1024);
  probe?.unmount();
  return probe !== undefined;
}

/** Every file and folder under `dir` (symlinks not followed), with its permission bits. */
function modes(dir: string): { file: string; mode: number; dir: boolean }[] {
  const out = [{ file: dir, mode: lstatSync(dir).mode & 0o777, dir: true }];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = lstatSync(p);
    if (st.isSymbolicLink()) continue;
    if (st.isDirectory()) out.push(...modes(p));
    else out.push({ file: p, mode: st.mode & 0o777, dir: false });
  }
  return out;
}

(tmpfsAllowed() ? test : test.skip)(
  'a full data disk (2 MB tmpfs): alerts keep reaching MQTT, the daemon stays up, snapshots resume when space is freed; files 0600, folders 0700',
  async () => {
    const dir = tempDir('vigil-full-');
    let disk: TinyTmpfs | undefined;
    const site = await startStateSite(dir, (dataDir) => {
      disk = mountTinyTmpfs(dataDir, 2 * 1024 * 1024);
      if (!disk) throw new Error('tmpfs refused');
      // The pose model's ONNX conversion (19 MB) is cached on another volume: this test is
      // about what the daemon writes while it runs (state, outbox, snapshots).
      mkdirSync(path.join(dir, 'models'));
      symlinkSync(path.join(dir, 'models'), path.join(dataDir, 'models'));
    });
    const healthz = () => site.api('/healthz');
    try {
      const first = await waitFor('a first alert', () => site.starts()[0], 180_000, 200);
      expect(first.snapshot).not.toBeNull();

      disk!.fill();
      const full = site.rec.messages.length;
      const whileFull = await waitFor(
        'an alert while the disk is full',
        () => site.starts(full).find((a) => a.snapshot === null),
        180_000,
        200,
      );
      expect(whileFull.snapshotTopic).toBeNull();
      await alive(site.daemon, healthz);
      await waitFor('the outbox saying it holds messages in memory', () =>
        site.daemon.stdout().includes('VIGIL_ERR_DISK_WRITE'),
      );
      // /readyz names the disk only while the outbox's own writes fail: its retry succeeds as
      // soon as what it holds fits (an empty log does), so that window is not waited for here.

      disk!.free();
      const freed = site.rec.messages.length;
      const after = await waitFor(
        'an alert with its snapshot once space is back',
        () => site.starts(freed).find((a) => a.snapshot !== null),
        180_000,
        200,
      );
      expect(existsSync(path.join(site.dataDir, after.snapshot!))).toBe(true);
      await waitFor(
        'the outbox on disk again',
        () => site.daemon.stdout().includes('outbox: writing to disk again'),
        60_000,
      );
      await alive(site.daemon, healthz);
      expect(site.daemon.stdout()).not.toContain('VIGIL_ERR_INVARIANT');

      const all = modes(site.dataDir);
      expect(all.filter((m) => !m.dir).length).toBeGreaterThan(2);
      expect(all.filter((m) => m.mode !== (m.dir ? 0o700 : 0o600))).toEqual([]);
    } finally {
      await site.stop();
      disk?.unmount();
    }
  },
  900_000,
);
