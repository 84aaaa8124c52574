import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from './logger';

interface FileInfo {
  file: string;
  mtimeMs: number;
  size: number;
}

/** Files under `dir` ending in `ext`, every level, but folders named in `skip`. */
async function walk(dir: string, ext: string, skip: readonly string[]): Promise<FileInfo[]> {
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
    if (e.isDirectory()) {
      if (!skip.includes(e.name)) out.push(...(await walk(p, ext, skip)));
    } else if (e.isFile() && e.name.endsWith(ext)) {
      const s = await stat(p);
      out.push({ file: p, mtimeMs: s.mtimeMs, size: s.size });
    }
  }
  return out;
}

export interface RetentionRule {
  /** What it keeps, for the log: snapshots, clips, pose recordings. */
  what: string;
  dir: string;
  ext: string;
  maxAgeMs: number;
  maxBytes: number;
  /** Folders below `dir` left alone (the clip ring, which prunes itself). */
  skip?: readonly string[];
}

/**
 * Deletes the rule's files older than `maxAgeMs`, then the oldest until the rest fit in
 * `maxBytes`. Returns how many were deleted.
 */
export async function pruneFiles(rule: RetentionRule, nowMs: number, log: Logger): Promise<number> {
  const { dir, ext, maxAgeMs, maxBytes } = rule;
  const files = (await walk(dir, ext, rule.skip ?? [])).sort((a, b) => a.mtimeMs - b.mtimeMs);
  let total = files.reduce((s, f) => s + f.size, 0);
  let deleted = 0;
  for (const f of files) {
    if (nowMs - f.mtimeMs <= maxAgeMs && total <= maxBytes) break;
    await rm(f.file, { force: true });
    total -= f.size;
    deleted++;
  }
  if (deleted > 0)
    log.info({ deleted, keptBytes: total, dir }, `old ${rule.what} deleted (retention)`);
  return deleted;
}
