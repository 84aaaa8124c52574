import {
  chmodSync,
  closeSync,
  createReadStream,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { open, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import { errorMessage } from './errors';
import type { Logger } from './logger';

/** Every file Vigil writes under dataDir is private to its user: raw footage and faces. */
export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/** `<file>.corrupt-<time>`: where a state file that failed validation is kept for a person to read. */
export function asidePath(file: string, nowMs = Date.now()): string {
  return `${file}.corrupt-${new Date(nowMs).toISOString().replace(/[:.]/g, '-')}`;
}

/** Creates a directory (and its parents) private to this user. */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: DIR_MODE });
}

/**
 * The data directory, created 0700 or narrowed to it (a folder left 0755 by an older version):
 * nobody else on the box reaches the files under it. A failure is logged, never thrown.
 */
export function privateDataDir(dir: string, log: Logger): void {
  try {
    makePrivateDir(dir);
    chmodSync(dir, DIR_MODE);
  } catch (err) {
    log.warn(
      { code: 'VIGIL_ERR_DISK_WRITE', err: errorMessage(err), dir },
      'data directory could not be made private (0700)',
    );
  }
}

/** Writes a whole file atomically (temp file 0600, fsync, rename). Throws when the disk refuses. */
export function writeFileAtomic(file: string, text: string): void {
  makePrivateDir(path.dirname(file));
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w', FILE_MODE);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** Moves a bad state file aside and says so with VIGIL_ERR_STATE_CORRUPT; never throws. */
export function setAside(file: string, log: Logger, what: string, reason: string): void {
  const aside = asidePath(file);
  try {
    renameSync(file, aside);
    log.error(
      { code: 'VIGIL_ERR_STATE_CORRUPT', file, aside, reason },
      `${what}: state file unusable (${reason}); moved aside, starting without it`,
    );
  } catch (err) {
    log.error(
      { code: 'VIGIL_ERR_STATE_CORRUPT', file, reason, err: errorMessage(err) },
      `${what}: state file unusable (${reason}) and could not be moved aside; ignored`,
    );
  }
}

/**
 * Reads a JSON state file. Missing: undefined. Unreadable or not JSON: moved aside (logged),
 * undefined. Otherwise the parsed value, still to be validated by the caller.
 */
export function readJsonState(file: string, log: Logger, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    setAside(file, log, what, `unreadable: ${errorMessage(err)}`);
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    setAside(file, log, what, `not JSON: ${errorMessage(err)}`);
    return undefined;
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The entries of a JSON object that pass `check`, and how many did not; undefined when `obj` is
 * not an object at all.
 */
export function goodEntries<T>(
  obj: unknown,
  check: (v: unknown) => v is T,
): { good: Map<string, T>; bad: number } | undefined {
  if (!isPlainObject(obj)) return undefined;
  const good = new Map<string, T>();
  let bad = 0;
  for (const [k, v] of Object.entries(obj)) {
    if (check(v)) good.set(k, v);
    else bad++;
  }
  return { good, bad };
}

export interface LineScan {
  /** Non-empty lines read. */
  lines: number;
  bad: number;
  /** Only the last line was bad: what a crash while appending leaves (a torn record). */
  tornOnly: boolean;
  /** Where the bad lines went, when there were any. */
  aside?: string;
  /** Why they could not be set aside (a full disk): the file is left as it was. */
  asideError?: string;
}

/**
 * Streams a JSON-lines file line by line (never one string for the whole file): `take` gets each
 * non-empty line and answers false for a bad one. When any was bad, the bad lines are written to
 * `<file>.corrupt-<time>` and, with `rewrite`, the file is rewritten with the good lines only.
 * A missing file reads as empty.
 */
export async function scanLineFile(
  file: string,
  take: (line: string) => boolean,
  opts: { rewrite: boolean },
): Promise<LineScan> {
  const badAt = new Set<number>();
  let n = 0;
  try {
    for await (const line of readLines(file)) {
      if (!line) continue;
      if (!take(line)) badAt.add(n);
      n++;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { lines: 0, bad: 0, tornOnly: false };
    throw err;
  }
  const scan: LineScan = {
    lines: n,
    bad: badAt.size,
    tornOnly: badAt.size === 1 && badAt.has(n - 1),
  };
  if (badAt.size === 0) return scan;
  const aside = asidePath(file);
  try {
    await splitLines(file, badAt, aside, opts.rewrite);
    scan.aside = aside;
  } catch (err) {
    scan.asideError = errorMessage(err);
  }
  return scan;
}

function readLines(file: string): AsyncIterable<string> {
  return readline.createInterface({
    input: createReadStream(file, { encoding: 'utf8' }),
    crlfDelay: Infinity,
  });
}

/** Second pass: bad lines to `aside`, good ones to a temp file renamed over `file` (with `rewrite`). */
async function splitLines(
  file: string,
  badAt: ReadonlySet<number>,
  aside: string,
  rewrite: boolean,
): Promise<void> {
  const tmp = `${file}.tmp`;
  const bad = await open(aside, 'w', FILE_MODE);
  let good: FileHandle | undefined;
  try {
    if (rewrite) good = await open(tmp, 'w', FILE_MODE);
    let n = 0;
    for await (const line of readLines(file)) {
      if (!line) continue;
      await (badAt.has(n++) ? bad : good)?.write(`${line}\n`);
    }
    await good?.sync();
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  } finally {
    await bad.close();
    await good?.close();
  }
  if (rewrite) renameSync(tmp, file);
}
