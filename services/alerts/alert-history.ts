import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AlertPayload } from './payload-schemas';

export interface HistoryQuery {
  camera?: string;
  rule?: string;
  type?: string;
  /** Only messages strictly before this ISO time (paging cursor). */
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

  constructor(
    dataDir: string,
    private readonly keep = 5000,
  ) {
    mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, 'alerts.jsonl');
    if (existsSync(this.file)) {
      const lines = readFileSync(this.file, 'utf8').split('\n').filter(Boolean).slice(-keep);
      for (const l of lines) {
        try {
          this.items.push(JSON.parse(l) as AlertPayload);
        } catch {
          // A torn last line after a crash: skipped, the rest of the history stands.
          continue;
        }
      }
    }
  }

  add(a: AlertPayload): void {
    this.items.push(a);
    if (this.items.length > this.keep) this.items.splice(0, this.items.length - this.keep);
    appendFileSync(this.file, `${JSON.stringify(a)}\n`);
  }

  list(q: HistoryQuery): { items: AlertPayload[]; nextBefore: string | null } {
    const out: AlertPayload[] = [];
    for (let i = this.items.length - 1; i >= 0 && out.length < q.limit; i--) {
      const a = this.items[i]!;
      if (q.camera && a.camera !== q.camera) continue;
      if (q.rule && a.rule !== q.rule) continue;
      if (q.type && a.type !== q.type) continue;
      if (q.before && a.at >= q.before) continue;
      out.push(a);
    }
    return { items: out, nextBefore: out.length === q.limit ? out[out.length - 1]!.at : null };
  }

  /** The `start` of an incident (it names the snapshot). */
  start(id: string): AlertPayload | undefined {
    return this.items.find((a) => a.id === id && a.type === 'start');
  }
}
