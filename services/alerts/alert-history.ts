import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../core/logger';
import type { AlertPayload } from './payload-schemas';

export interface HistoryQuery {
  camera?: string;
  rule?: string;
  type?: string;
  /**
   * Only messages before this: an ISO time (compared as an instant, offsets and fractions
   * allowed) or a cursor `pos:<n>` from `nextBefore`, which pages without skipping messages that
   * share a timestamp.
   */
  before?: string;
  limit: number;
}

/**
 * Every alert message sent, newest last: an append-only JSON-lines file under dataDir and the
 * last `keep` messages in memory for the API's history (paged by time, newest first).
 */
export class AlertHistory {
  private readonly items: AlertPayload[] = [];
  private readonly file: string;
  /** Messages dropped from the front of `items`: items[i] is message number dropped + i. */
  private dropped = 0;

  /** Lines of the history file that could not be parsed when it was read (a torn last line). */
  readonly unreadableLines: number = 0;

  constructor(
    dataDir: string,
    private readonly keep = 5000,
    log?: Logger,
  ) {
    mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, 'alerts.jsonl');
    if (existsSync(this.file)) {
      const lines = readFileSync(this.file, 'utf8').split('\n').filter(Boolean).slice(-keep);
      let bad = 0;
      for (const l of lines) {
        try {
          this.items.push(JSON.parse(l) as AlertPayload);
        } catch {
          bad++; // counted: a torn last line after a crash is expected, more is worth a warning
        }
      }
      this.unreadableLines = bad;
      if (bad > 0)
        log?.warn(
          { file: this.file, unreadable: bad },
          bad === 1
            ? 'alert history: one torn line skipped (a crash while writing)'
            : 'alert history: unreadable lines skipped',
        );
    }
  }

  add(a: AlertPayload): void {
    this.items.push(a);
    if (this.items.length > this.keep) {
      const n = this.items.length - this.keep;
      this.items.splice(0, n);
      this.dropped += n;
    }
    appendFileSync(this.file, `${JSON.stringify(a)}\n`);
  }

  /** Newest first; `nextBefore` is the cursor of the next page, null on the last one. */
  list(q: HistoryQuery): { items: AlertPayload[]; nextBefore: string | null } {
    const pos = /^pos:(\d+)$/.exec(q.before ?? '');
    const beforeMs = q.before && !pos ? Date.parse(q.before) : Number.NaN;
    const out: AlertPayload[] = [];
    let last = -1;
    for (let i = this.items.length - 1; i >= 0 && out.length < q.limit; i--) {
      const a = this.items[i]!;
      if (pos && this.dropped + i >= Number(pos[1])) continue;
      if (!Number.isNaN(beforeMs) && !(Date.parse(a.at) < beforeMs)) continue;
      if (q.camera && a.camera !== q.camera) continue;
      if (q.rule && a.rule !== q.rule) continue;
      if (q.type && a.type !== q.type) continue;
      out.push(a);
      last = this.dropped + i;
    }
    return { items: out, nextBefore: out.length === q.limit ? `pos:${last}` : null };
  }

  /** The camera of an incident whose `end` was sent at or after `sinceMs`. */
  endedSince(id: string, sinceMs: number): string | undefined {
    for (let i = this.items.length - 1; i >= 0; i--) {
      const a = this.items[i]!;
      if (Date.parse(a.at) < sinceMs) return undefined;
      if (a.id === id && a.type === 'end') return a.camera;
    }
    return undefined;
  }

  /** The `start` of an incident (it names the snapshot). */
  start(id: string): AlertPayload | undefined {
    return this.items.find((a) => a.id === id && a.type === 'start');
  }

  /**
   * The latest message of each incident that is open or had a message at or after `sinceMs`
   * (newest first, at most `limit`): what a console shows when it opens.
   */
  incidents(sinceMs: number, limit = 200): AlertPayload[] {
    const latest = new Map<string, AlertPayload>();
    for (let i = this.items.length - 1; i >= 0; i--) {
      const a = this.items[i]!;
      if (latest.has(a.id)) continue;
      if (a.type === 'end' && Date.parse(a.at) < sinceMs) {
        latest.set(a.id, a); // seen, but closed long ago: dropped below
        continue;
      }
      latest.set(a.id, a);
    }
    return [...latest.values()]
      .filter((a) => a.type !== 'end' || Date.parse(a.at) >= sinceMs)
      .slice(0, limit);
  }
}
