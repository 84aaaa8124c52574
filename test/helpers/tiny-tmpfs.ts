import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../../services/core/errors';
import { requireComponent } from './require-component';

/**
 * A small tmpfs at `dir` (root only: `mount -t tmpfs`), to fill a disk for real. Answers the
 * mount, or undefined when it cannot be made here; under CI=true (which runs as root) that throws.
 */
export function mountTinyTmpfs(dir: string, sizeBytes: number): TinyTmpfs | undefined {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir], {
      stdio: 'pipe',
    });
  } catch (err) {
    requireComponent('a full-disk test', `a tmpfs at ${dir}: ${errorMessage(err)}`, 'run as root');
    return undefined;
  }
  return new TinyTmpfs(dir);
}

export class TinyTmpfs {
  private readonly filler: string;

  constructor(readonly dir: string) {
    this.filler = path.join(dir, 'filler');
  }

  /** Writes a file until the disk is full (ENOSPC). */
  fill(): void {
    const fd = openSync(this.filler, 'a');
    const chunk = Buffer.alloc(16 * 1024, 1);
    try {
      for (;;) writeSync(fd, chunk);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
    } finally {
      closeSync(fd);
    }
  }

  /** Deletes what fill() wrote: the space returns. */
  free(): void {
    rmSync(this.filler, { force: true });
  }

  unmount(): void {
    execFileSync('umount', ['-l', this.dir], { stdio: 'pipe' });
  }
}
