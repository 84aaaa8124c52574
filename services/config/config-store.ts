import { createHash } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fchownSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { VigilError, errorMessage } from '../core/errors';
import { patchDocument } from './yaml-patch';
import { parseConfig } from './load';
import type { Config } from './schema';

export interface ConfigChange {
  /** Cameras whose zones or other settings differ (added and removed included). */
  cameras: { id: string; change: 'added' | 'removed' | 'zones' | 'restart' }[];
  /**
   * Top-level sections that differ and apply only at the next daemon restart (all but `cameras`
   * and `api.tokens`). Camera changes, their zones and quiet hours included, apply live.
   */
  restartRequired: string[];
}

/** Applies a saved version to the running daemon (VigilApp.applyConfig). */
export type ApplyConfig = (v: Version, change: ConfigChange) => Promise<void>;

/** A change made (or, dry run, checked): the new version, what differs, the file's ETag now. */
export interface Committed {
  version: Version;
  change: ConfigChange;
  etag: string;
}

export interface Version {
  raw: Record<string, unknown>;
  config: Config;
  /** The file's text: its comments and layout are kept by every write. */
  text: string;
  etag: string;
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/**
 * Whether the file mostly writes flow collections padded (`{ a: 1 }`) or not (`[[0.1, 0.2]]`):
 * yaml renders every flow collection one way, so the file's own majority is kept.
 */
function padded(text: string): boolean {
  const spaced = (text.match(/[[{] \S/g) ?? []).length;
  const tight = (text.match(/[[{][^\s\]}]/g) ?? []).length;
  return spaced > tight;
}

/** The ETag is the hash of the file's bytes: any edit, by the API or by hand, changes it. */
const etagOf = (text: string) =>
  `"${createHash('sha256').update(text).digest('hex').slice(0, 32)}"`;

/**
 * A section without what the daemon applies live outside the cameras: the API tokens (read at
 * every request). Everything else outside `cameras` takes a restart and is reported so.
 */
function liveless(c: Config, k: keyof Config): unknown {
  return k === 'api' ? { ...c.api, tokens: [] } : c[k];
}

/** What differs between two validated configs, camera by camera. */
export function diffConfig(a: Config, b: Config): ConfigChange {
  const cams: ConfigChange['cameras'] = [];
  const byId = (c: Config) => new Map(c.cameras.map((x) => [x.id, x]));
  const [ma, mb] = [byId(a), byId(b)];
  for (const [id, cb] of mb) {
    const ca = ma.get(id);
    if (!ca) cams.push({ id, change: 'added' });
    else if (canonical({ ...ca, zones: [] }) !== canonical({ ...cb, zones: [] }))
      cams.push({ id, change: 'restart' });
    else if (canonical(ca.zones) !== canonical(cb.zones)) cams.push({ id, change: 'zones' });
  }
  for (const id of ma.keys()) if (!mb.has(id)) cams.push({ id, change: 'removed' });
  const sections = (Object.keys(b) as (keyof Config)[]).filter(
    (k) => k !== 'cameras' && canonical(liveless(a, k)) !== canonical(liveless(b, k)),
  );
  return { cameras: cams, restartRequired: sections };
}

/**
 * The config file as the API changes it: validated exactly like the file at startup, versioned
 * by ETag (the hash of the file's bytes, read fresh, so an edit made by hand since is seen and a
 * write based on the older version is refused with 412), written atomically (temp file, fsync,
 * rename) with the file's mode, owner, comments and layout kept, and the previous version kept
 * for one rollback. Changes run one at a time, each saved and applied before the next is checked;
 * one whose apply fails is rolled back (file and daemon). Environment overrides (secrets) apply to the running config, never to the
 * file.
 */
export class ConfigStore {
  private current: Version;
  private previous: Version | undefined;
  /** The tail of the change queue: each change waits for the one before it. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.current = this.fromText(this.readFile());
  }

  /** The file as it is now on disk (re-read: a hand edit since the last call is picked up). */
  get latest(): Version {
    const text = this.readFile();
    if (etagOf(text) !== this.current.etag) this.current = this.fromText(text);
    return this.current;
  }

  get etag(): string {
    return this.latest.etag;
  }

  private readFile(): string {
    try {
      return readFileSync(this.file, 'utf8');
    } catch (err) {
      throw new VigilError(
        'VIGIL_ERR_CONFIG_READ',
        `cannot read ${this.file}: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  private fromText(text: string): Version {
    const doc = parseDocument(text, { uniqueKeys: true });
    if (doc.errors.length > 0)
      throw new VigilError('VIGIL_ERR_CONFIG_READ', `${this.file}: ${doc.errors[0]!.message}`);
    let raw: Record<string, unknown>;
    try {
      // An alias bomb stops here (yaml's alias expansion limit), not in memory.
      raw = (doc.toJS({ maxAliasCount: 100 }) ?? {}) as Record<string, unknown>;
    } catch (err) {
      throw new VigilError('VIGIL_ERR_CONFIG_READ', `${this.file}: ${(err as Error).message}`);
    }
    return this.version(raw, text);
  }

  /**
   * One change: `plan` gets the current version and gives the whole new file (raw). The If-Match
   * check, validation, save and `apply` run inside one critical section, one change at a time,
   * so two writes sent together never interleave (each stopping and starting the same camera).
   * Unless `dryRun`, the new version is saved, then applied; an apply that throws is undone.
   */
  change(
    plan: (cur: Version) => Record<string, unknown>,
    ifMatch: string | undefined,
    dryRun: boolean,
    apply?: ApplyConfig,
  ): Promise<Committed> {
    return this.serial(async () => {
      const cur = this.latest;
      this.checkEtag(ifMatch, cur);
      const nextRaw = structuredClone(plan(cur));
      const doc = parseDocument(cur.text);
      patchDocument(doc, cur.raw, nextRaw);
      const next = this.version(nextRaw, doc.toString({ flowCollectionPadding: padded(cur.text) }));
      const change = diffConfig(cur.config, next.config);
      if (dryRun) return { version: next, change, etag: cur.etag };
      await this.commit(cur, next, change, apply);
      return { version: next, change, etag: next.etag };
    });
  }

  /** Back to the version before the last change (one step), saved and applied like a change. */
  rollback(ifMatch: string | undefined, apply?: ApplyConfig): Promise<Committed> {
    return this.serial(async () => {
      const cur = this.latest;
      this.checkEtag(ifMatch, cur);
      const prev = this.previous;
      if (!prev) throw new VigilError('VIGIL_ERR_NOT_FOUND', 'no previous version to roll back to');
      const change = diffConfig(cur.config, prev.config);
      await this.commit(cur, prev, change, apply);
      return { version: prev, change, etag: prev.etag };
    });
  }

  /** Runs `fn` once every change queued before it has finished (whether it threw or not). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /**
   * Saves `next` and applies it. When the apply throws halfway (a camera stopped, its successor
   * not started), the previous file is written back and applied (what was stopped starts again),
   * and the caller gets VIGIL_ERR_CONFIG_APPLY: the daemon runs the version the file holds.
   */
  private async commit(
    cur: Version,
    next: Version,
    change: ConfigChange,
    apply: ApplyConfig | undefined,
  ): Promise<void> {
    this.write(next.text);
    this.current = next;
    try {
      await apply?.(next, change);
    } catch (err) {
      const undone = await this.undo(cur, next, apply);
      throw new VigilError(
        'VIGIL_ERR_CONFIG_APPLY',
        `the change could not be applied (${errorMessage(err)}); ${undone}`,
        { cause: err },
      );
    }
    this.previous = cur;
  }

  /** Puts `cur` back on disk and in the daemon after a failed apply of `next`; says how it went. */
  private async undo(cur: Version, next: Version, apply: ApplyConfig | undefined): Promise<string> {
    const failed: string[] = [];
    try {
      this.write(cur.text);
      this.current = cur;
    } catch (err) {
      failed.push(`the file keeps the new version: ${errorMessage(err)}`);
    }
    try {
      await apply?.(cur, diffConfig(next.config, cur.config));
    } catch (err) {
      failed.push(`the previous version did not apply either: ${errorMessage(err)}`);
    }
    return failed.length === 0
      ? 'the previous config was restored and applied; nothing was changed'
      : `restoring the previous config failed too (${failed.join('; ')}): check the cameras and the file`;
  }

  private version(raw: Record<string, unknown>, text: string): Version {
    const config = parseConfig(raw, {
      env: this.env,
      baseDir: path.dirname(path.resolve(this.file)),
      source: 'the request',
    });
    return { raw, config, text, etag: etagOf(text) };
  }

  private checkEtag(ifMatch: string | undefined, cur: Version): void {
    if (!ifMatch)
      throw new VigilError(
        'VIGIL_ERR_PRECONDITION_REQUIRED',
        `send If-Match: ${cur.etag} (GET /api/config gives it)`,
      );
    if (ifMatch !== cur.etag)
      throw new VigilError(
        'VIGIL_ERR_PRECONDITION_FAILED',
        `If-Match ${ifMatch} is stale: the file is now ${cur.etag} (changed by the API or by hand since); GET /api/config and try again`,
      );
  }

  /** Atomic, with the file's own mode and owner (a 600 file holding passwords stays 600). */
  private write(text: string): void {
    const tmp = `${this.file}.tmp`;
    try {
      const st = statSync(this.file);
      const fd = openSync(tmp, 'w', st.mode & 0o777);
      try {
        fchmodSync(fd, st.mode & 0o777);
        if (process.getuid?.() === 0) fchownSync(fd, st.uid, st.gid);
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.file);
    } catch (err) {
      try {
        unlinkSync(tmp);
      } catch {
        // no temp file was made (a read-only folder): nothing to clean up
      }
      const code = (err as NodeJS.ErrnoException).code;
      throw new VigilError(
        'VIGIL_ERR_CONFIG_WRITE',
        code === 'EROFS' || code === 'EACCES' || code === 'EPERM'
          ? `${this.file} cannot be written (${code}): mount its folder writable for the daemon's user, or make changes in the file by hand; nothing was changed`
          : `cannot write ${this.file}: ${(err as Error).message}; nothing was changed`,
        { cause: err },
      );
    }
  }
}
