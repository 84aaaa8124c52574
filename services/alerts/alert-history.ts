import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import { FILE_MODE, makePrivateDir, scanLineFile } from '../core/state-file';
import type { AlertPayload } from './payload-schemas';
import { isAlertPayload } from './state-checks';

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

  /** Lines of the history file set aside when it was read (torn, not JSON, not an alert). */
  unreadableLines = 0;
  private writeFailing = false;

  constructor(
    dataDir: string,
    private readonly keep = 5000,
    private readonly log?: Logger,
  ) {
    makePrivateDir(dataDir);
    this.file = path.join(dataDir, 'alerts.jsonl');
  }

  /**
   * Reads the file back, streamed line by line, keeping the last `keep` messages. Every line is
   * checked against the alert schema: bad ones go to alerts.jsonl.corrupt-<time>
   * (VIGIL_ERR_STATE_CORRUPT) and the file is rewritten without them.
   */
  async load(): Promise<void> {
    const scan = await scanLineFile(
      this.file,
      (line) => {
        const a = parseAlert(line);
        if (!a) return false;
        this.items.push(a);
        if (this.items.length >= 2 * this.keep) this.items.splice(0, this.items.length - this.keep);
        return true;
      },
      { rewrite: true },
    ).catch((err: unknown) => {
      this.log?.error(
        { code: 'VIGIL_ERR_STATE_CORRUPT', file: this.file, err: errorMessage(err) },
        'alert history unreadable; starting with what was read',
      );
      return undefined;
    });
    if (this.items.length > this.keep) this.items.splice(0, this.items.length - this.keep);
    if (!scan || scan.bad === 0) return;
    this.unreadableLines = scan.bad;
    this.log?.[scan.tornOnly ? 'warn' : 'error'](
      {
        code: 'VIGIL_ERR_STATE_CORRUPT',
        file: this.file,
        unreadable: scan.bad,
        aside: scan.aside,
        asideError: scan.asideError,
      },
      scan.tornOnly
        ? 'alert history: one torn line set aside (a crash while writing)'
        : 'alert history: malformed lines set aside; the rest kept',
    );
  }

  /** Never throws: a disk that refuses the line is logged once per failure spell; the message stays in memory. */
  add(a: AlertPayload): void {
    this.items.push(a);
    if (this.items.length > this.keep) {
      const n = this.items.length - this.keep;
      this.items.splice(0, n);
      this.dropped += n;
    }
    try {
      appendFileSync(this.file, `${JSON.stringify(a)}\n`, { mode: FILE_MODE });
      if (this.writeFailing) this.log?.info({ file: this.file }, 'alert history written again');
      this.writeFailing = false;
    } catch (err) {
      if (!this.writeFailing)
        this.log?.error(
          { code: 'VIGIL_ERR_DISK_WRITE', err: errorMessage(err), file: this.file },
          'alert history not written; kept in memory while the disk refuses',
        );
      this.writeFailing = true;
    }
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

  /** The `end` of an incident (it carries the clip), undefined while it is open. */
  end(id: string): AlertPayload | undefined {
    for (let i = this.items.length - 1; i >= 0; i--)
      if (this.items[i]!.id === id && this.items[i]!.type === 'end') return this.items[i];
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

function parseAlert(line: string): AlertPayload | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined; // not JSON: set aside by load()
  }
  return isAlertPayload(v) ? v : undefined;
}
