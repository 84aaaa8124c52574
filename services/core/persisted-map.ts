import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { errorMessage } from './errors';
import type { Logger } from './logger';

/**
 * A small map kept in a JSON file, rewritten atomically (temp file, rename) on every change: state
 * that must survive a crash (incidents and outages left open). `file` undefined: memory only.
 * An unreadable file is logged and starts empty; a failed write is logged, never thrown.
 */
export class PersistedMap<T> {
  private readonly map = new Map<string, T>();

  constructor(
    private readonly file: string | undefined,
    private readonly log: Logger,
    what: string,
  ) {
    if (!file) return;
    try {
      const obj = JSON.parse(readFileSync(file, 'utf8')) as Record<string, T>;
      for (const [k, v] of Object.entries(obj ?? {})) this.map.set(k, v);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        log.error({ err: errorMessage(err), file }, `${what} unreadable; starting empty`);
    }
  }

  get(key: string): T | undefined {
    return this.map.get(key);
  }

  values(): T[] {
    return [...this.map.values()];
  }

  keys(): string[] {
    return [...this.map.keys()];
  }

  set(key: string, value: T): void {
    this.map.set(key, value);
    this.save();
  }

  delete(key: string): void {
    if (this.map.delete(key)) this.save();
  }

  private save(): void {
    if (!this.file) return;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.tmp`;
      writeFileSync(tmp, JSON.stringify(Object.fromEntries(this.map)));
      renameSync(tmp, this.file);
    } catch (err) {
      this.log.error({ err: errorMessage(err), file: this.file }, 'state not saved');
    }
  }
}
