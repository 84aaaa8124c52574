import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { VigilError } from '../core/errors';
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

const etagOf = (raw: unknown) =>
  `"${createHash('sha256').update(canonical(raw)).digest('hex').slice(0, 32)}"`;

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
 * by ETag, written atomically (temp file, fsync, rename) with the previous version kept for one
 * rollback. Environment overrides (secrets) apply to the running config, never to the file.
 */
export class ConfigStore {
  private current: Version;
  private previous: Version | undefined;

  constructor(
    private readonly file: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    const raw = (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
    this.current = this.version(raw);
  }

  get latest(): Version {
    return this.current;
  }

  get etag(): string {
    return this.current.etag;
  }

  /** Validates `raw` as the whole new file; persists and returns it unless `dryRun`. */
  replace(
    raw: unknown,
    ifMatch: string | undefined,
    dryRun: boolean,
  ): { version: Version; change: ConfigChange } {
    this.checkEtag(ifMatch);
    const next = this.version(structuredClone(raw) as Record<string, unknown>);
    const change = diffConfig(this.current.config, next.config);
    if (!dryRun) {
      this.write(next.raw);
      this.previous = this.current;
      this.current = next;
    }
    return { version: next, change };
  }

  rollback(ifMatch: string | undefined): { version: Version; change: ConfigChange } {
    this.checkEtag(ifMatch);
    const prev = this.previous;
    if (!prev) throw new VigilError('VIGIL_ERR_NOT_FOUND', 'no previous version to roll back to');
    const change = diffConfig(this.current.config, prev.config);
    this.write(prev.raw);
    this.previous = this.current;
    this.current = prev;
    return { version: prev, change };
  }

  private version(raw: Record<string, unknown>): Version {
    const config = parseConfig(raw, {
      env: this.env,
      baseDir: path.dirname(path.resolve(this.file)),
      source: 'the request',
    });
    return { raw, config, etag: etagOf(raw) };
  }

  private checkEtag(ifMatch: string | undefined): void {
    if (!ifMatch)
      throw new VigilError(
        'VIGIL_ERR_PRECONDITION_REQUIRED',
        `send If-Match: ${this.current.etag} (GET /api/config gives it)`,
      );
    if (ifMatch !== this.current.etag)
      throw new VigilError(
        'VIGIL_ERR_PRECONDITION_FAILED',
        `If-Match ${ifMatch} is stale; the config is now ${this.current.etag}`,
      );
  }

  private write(raw: Record<string, unknown>): void {
    const tmp = `${this.file}.tmp`;
    try {
      const fd = openSync(tmp, 'w');
      try {
        writeSync(fd, stringify(raw));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.file);
    } catch (err) {
      throw new VigilError(
        'VIGIL_ERR_CONFIG_WRITE',
        `cannot write ${this.file}: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }
}
