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
import { VigilError } from '../core/errors';
import { patchDocument } from './yaml-patch';
import { parseConfig } from './load';
import type { Config } from './schema';

export interface ConfigChange {
  /** Cameras whose zones or other settings differ (added and removed included). */
  cameras: { id: string; change: 'added' | 'removed' | 'zones' | 'restart' }[];
  /** Top-level sections that differ; they apply at the next daemon restart. */
  restartRequired: string[];
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
    (k) => k !== 'cameras' && canonical(a[k]) !== canonical(b[k]),
  );
  return { cameras: cams, restartRequired: sections };
}

/**
 * The config file as the API changes it: validated exactly like the file at startup, versioned
 * by ETag (the hash of the file's bytes, read fresh, so an edit made by hand since is seen and a
 * write based on the older version is refused with 412), written atomically (temp file, fsync,
 * rename) with the file's mode, owner, comments and layout kept, and the previous version kept
 * for one rollback. Environment overrides (secrets) apply to the running config, never to the
 * file.
 */
export class ConfigStore {
  private current: Version;
  private previous: Version | undefined;

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

  /** Validates `raw` as the whole new file; persists and returns it unless `dryRun`. */
  replace(
    raw: unknown,
    ifMatch: string | undefined,
    dryRun: boolean,
  ): { version: Version; change: ConfigChange } {
    const cur = this.latest;
    this.checkEtag(ifMatch, cur);
    const nextRaw = structuredClone(raw) as Record<string, unknown>;
    const doc = parseDocument(cur.text);
    patchDocument(doc, cur.raw, nextRaw);
    const next = this.version(nextRaw, doc.toString({ flowCollectionPadding: padded(cur.text) }));
    const change = diffConfig(cur.config, next.config);
    if (!dryRun) {
      this.write(next.text);
      this.previous = cur;
      this.current = next;
    }
    return { version: next, change };
  }

  rollback(ifMatch: string | undefined): { version: Version; change: ConfigChange } {
    const cur = this.latest;
    this.checkEtag(ifMatch, cur);
    const prev = this.previous;
    if (!prev) throw new VigilError('VIGIL_ERR_NOT_FOUND', 'no previous version to roll back to');
    const change = diffConfig(cur.config, prev.config);
    this.write(prev.text);
    this.previous = cur;
    this.current = prev;
    return { version: prev, change };
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
