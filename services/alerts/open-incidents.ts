import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { AlertPayload } from './payload-schemas';

/**
 * The last message of every incident that has started and not ended, on disk, so that incidents
 * a crash leaves open are ended on the next start (never left open, never re-opened under a new
 * id). Rewritten atomically on every start, update and end: a few times a minute at most.
 */
export class OpenIncidents {
  private readonly open = new Map<string, AlertPayload>();
  /** Read at construction: what the previous run left open. */
  readonly leftover: readonly AlertPayload[];

  /** `file` undefined: memory only (offline analysis). */
  constructor(
    private readonly file: string | undefined,
    private readonly log: Logger,
  ) {
    this.leftover = file ? this.read(file) : [];
    // Kept on disk until their `end` is sent: a second crash before that loses none of them.
    for (const a of this.leftover) this.open.set(a.id, a);
  }

  private read(file: string): AlertPayload[] {
    try {
      const all = JSON.parse(readFileSync(file, 'utf8')) as AlertPayload[];
      return Array.isArray(all) ? all.filter((a) => a && a.type !== 'end') : [];
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        this.log.error({ err: errorMessage(err), file }, 'open incidents unreadable; none ended');
      return [];
    }
  }

  get(id: string): AlertPayload | undefined {
    return this.open.get(id);
  }

  /** Records a message sent: a start or update keeps its incident open, an end closes it. */
  record(alert: AlertPayload): void {
    if (alert.type === 'end') this.open.delete(alert.id);
    else this.open.set(alert.id, alert);
    this.save();
  }

  private save(): void {
    if (!this.file) return;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.tmp`;
      writeFileSync(tmp, JSON.stringify([...this.open.values()]));
      renameSync(tmp, this.file);
    } catch (err) {
      this.log.error({ err: errorMessage(err), file: this.file }, 'open incidents not saved');
    }
  }
}

/** The `end` of an incident the previous run left open, sent at `nowMs` by this one. */
export function restartEnd(last: AlertPayload, nowMs: number): AlertPayload {
  const at = new Date(nowMs).toISOString();
  const lastSeenMs = Date.parse(last.at);
  return {
    ...last,
    type: 'end',
    seq: last.seq + 1,
    at,
    // The incident was last seen going on at its last message; it lasted at least that long.
    durationSeconds: Math.max(
      last.durationSeconds,
      (lastSeenMs - Date.parse(last.startedAt)) / 1000,
    ),
    snapshot: null,
    snapshotTopic: null,
    fullSnapshotTopic: undefined,
    endReason: 'restart',
    summary: `${last.rule} ended: Vigil restarted while person #${last.trackId} was in "${last.zoneName}" on ${last.cameraName}`,
  };
}
