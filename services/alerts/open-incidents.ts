import type { Logger } from '../core/logger';
import { PersistedMap } from '../core/persisted-map';
import type { AlertPayload } from './payload-schemas';
import { isAlertPayload } from './state-checks';

/**
 * The last message of every incident that has started and not ended, on disk, so that incidents
 * a crash leaves open are ended on the next start (never left open, never re-opened under a new
 * id). Rewritten atomically on every start, update and end: a few times a minute at most.
 */
export class OpenIncidents {
  private readonly open: PersistedMap<AlertPayload>;
  /** Read at construction: what the previous run left open. */
  readonly leftover: readonly AlertPayload[];

  /** `file` undefined: memory only (offline analysis). */
  constructor(file: string | undefined, log: Logger) {
    // Left on disk until their `end` is sent: a second crash before that loses none of them.
    this.open = new PersistedMap(file, log, 'open incidents', isAlertPayload);
    this.leftover = this.open.values().filter((a) => a.type !== 'end');
  }

  get(id: string): AlertPayload | undefined {
    return this.open.get(id);
  }

  /** Records a message sent: a start or update keeps its incident open, an end closes it. */
  record(alert: AlertPayload): void {
    if (alert.type === 'end') this.open.delete(alert.id);
    else this.open.set(alert.id, alert);
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
