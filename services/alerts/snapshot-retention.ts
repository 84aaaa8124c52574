import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../core/logger';

interface FileInfo {
  file: string;
  mtimeMs: number;
  size: number;
}

async function walk(dir: string): Promise<FileInfo[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: FileInfo[] = [];
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile() && e.name.endsWith('.jpg')) {
      const s = await stat(p);
      out.push({ file: p, mtimeMs: s.mtimeMs, size: s.size });
    }
  }
  return out;
}

/**
 * Deletes snapshots older than `maxAgeMs`, then the oldest until the rest fit in `maxBytes`.
 * Returns how many were deleted.
 */
export async function pruneSnapshots(
  dir: string,
  maxAgeMs: number,
  maxBytes: number,
  nowMs: number,
  log: Logger,
): Promise<number> {
  const files = (await walk(dir)).sort((a, b) => a.mtimeMs - b.mtimeMs);
  let total = files.reduce((s, f) => s + f.size, 0);
  let deleted = 0;
  for (const f of files) {
    if (nowMs - f.mtimeMs <= maxAgeMs && total <= maxBytes) break;
    await rm(f.file, { force: true });
    total -= f.size;
    deleted++;
  }
  if (deleted > 0) log.info({ deleted, keptBytes: total }, 'old snapshots deleted (retention)');
  return deleted;
}
