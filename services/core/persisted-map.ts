import { errorMessage } from './errors';
import type { Logger } from './logger';
import { goodEntries, readJsonState, setAside, writeFileAtomic } from './state-file';

/**
 * A small map kept in a JSON file, rewritten atomically (temp file, fsync, rename) on every
 * change: state that must survive a crash (incidents and outages left open, verdict counts).
 * `file` undefined: memory only. Every entry read back passes `check`: a file that is not JSON or
 * not an object is moved aside (VIGIL_ERR_STATE_CORRUPT) and the map starts empty; one with bad
 * entries is moved aside too and its good entries kept (and written back at once). A failed
 * write is logged (VIGIL_ERR_DISK_WRITE, once until a write succeeds again), never thrown: the
 * map stays right in memory and the next change writes it whole.
 */
export class PersistedMap<T> {
  private readonly map = new Map<string, T>();
  private writeFailing = false;

  constructor(
    private readonly file: string | undefined,
    private readonly log: Logger,
    private readonly what: string,
    check: (v: unknown) => v is T,
  ) {
    if (!file) return;
    const raw = readJsonState(file, log, what);
    if (raw === undefined) return;
    const read = goodEntries(raw, check);
    if (!read) {
      setAside(file, log, what, 'not a JSON object');
      return;
    }
    for (const [k, v] of read.good) this.map.set(k, v);
    if (read.bad === 0) return;
    setAside(file, log, what, `${read.bad} malformed entr${read.bad === 1 ? 'y' : 'ies'} dropped`);
    this.save();
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
      writeFileAtomic(this.file, JSON.stringify(Object.fromEntries(this.map)));
      if (this.writeFailing) this.log.info({ file: this.file }, `${this.what}: saved again`);
      this.writeFailing = false;
    } catch (err) {
      if (!this.writeFailing)
        this.log.error(
          { code: 'VIGIL_ERR_DISK_WRITE', err: errorMessage(err), file: this.file },
          `${this.what} not saved; kept in memory, written at the next change`,
        );
      this.writeFailing = true;
    }
  }
}
