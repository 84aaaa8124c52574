import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import {
  goodEntries,
  isPlainObject,
  readJsonState,
  setAside,
  writeFileAtomic,
} from '../core/state-file';
import type { Feedback } from './payload-schemas';
import { isAck, isFeedback, isSnooze } from './state-checks';

export interface Ack {
  by: string;
  at: string;
  note?: string;
}

export interface Snooze {
  by: string;
  until: number;
  note?: string;
}

interface StateFile {
  acks: Record<string, Ack>;
  snoozes: Record<string, Snooze>;
  /** Absent in files written before verdicts existed. */
  feedback?: Record<string, Feedback>;
}

const MAX_ACKS = 10_000;

/** Keeps the newest MAX_ACKS entries (insertion order). */
function trim(map: Record<string, unknown>): void {
  const ids = Object.keys(map);
  for (const old of ids.slice(0, Math.max(0, ids.length - MAX_ACKS))) delete map[old];
}

/**
 * Clerk decisions that must survive a restart: acknowledgements and verdicts per incident id and
 * snoozes per camera/zone/rule. Written atomically (temp file, fsync, rename) on every change.
 */
export class AlertStateStore {
  private state: StateFile = { acks: {}, snoozes: {} };

  private writeFailing = false;

  /** `file` undefined: kept in memory only (offline analysis). */
  constructor(
    private readonly file: string | undefined,
    private readonly log: Logger,
  ) {
    if (file) this.load(file);
  }

  /**
   * Every ack, snooze and verdict read back is checked: a file that is not an object starts
   * empty, bad entries are dropped; either way the file is moved aside (VIGIL_ERR_STATE_CORRUPT)
   * and what was good is written back at once.
   */
  private load(file: string): void {
    const raw = readJsonState(file, this.log, 'alert state');
    if (raw === undefined) return;
    if (!isPlainObject(raw)) return setAside(file, this.log, 'alert state', 'not a JSON object');
    const acks = goodEntries(raw.acks ?? {}, isAck);
    const snoozes = goodEntries(raw.snoozes ?? {}, isSnooze);
    const feedback = goodEntries(raw.feedback ?? {}, isFeedback);
    const problems = [
      !acks && 'acks is not an object',
      !snoozes && 'snoozes is not an object',
      !feedback && 'feedback is not an object',
      !('acks' in raw) && 'no acks',
      !('snoozes' in raw) && 'no snoozes',
      ...[acks, snoozes, feedback].map((r) => (r?.bad ? `${r.bad} malformed entries` : false)),
      ...Object.keys(raw)
        .filter((k) => !['acks', 'snoozes', 'feedback'].includes(k))
        .map((k) => `unknown key ${k}`),
    ].filter((p): p is string => typeof p === 'string');
    this.state = {
      acks: Object.fromEntries(acks?.good ?? []),
      snoozes: Object.fromEntries(snoozes?.good ?? []),
      feedback: Object.fromEntries(feedback?.good ?? []),
    };
    if (problems.length === 0) return;
    setAside(file, this.log, 'alert state', problems.join('; '));
    this.save();
  }

  ackOf(id: string): Ack | null {
    return this.state.acks[id] ?? null;
  }

  snoozedUntil(zoneKey: string): number {
    return this.state.snoozes[zoneKey]?.until ?? 0;
  }

  ack(id: string, ack: Ack): void {
    this.state.acks[id] = ack;
    trim(this.state.acks);
    this.save();
  }

  feedbackOf(id: string): Feedback | null {
    return this.state.feedback?.[id] ?? null;
  }

  /** Records a verdict (a later one replaces it); answers the one it replaced. */
  setFeedback(id: string, f: Feedback): Feedback | null {
    const before = this.feedbackOf(id);
    const all = (this.state.feedback ??= {});
    delete all[id]; // re-inserted last: the newest survive the trim
    all[id] = f;
    trim(all);
    this.save();
    return before;
  }

  /** Snoozes still in force at `nowMs`, by camera/zone/rule key. */
  snoozes(nowMs: number): { key: string; snooze: Snooze }[] {
    return Object.entries(this.state.snoozes)
      .filter(([, s]) => s.until > nowMs)
      .map(([key, snooze]) => ({ key, snooze }));
  }

  /** Cancels a snooze; false when there was none in force. */
  cancelSnooze(zoneKey: string, nowMs: number): boolean {
    const s = this.state.snoozes[zoneKey];
    if (!s || s.until <= nowMs) return false;
    delete this.state.snoozes[zoneKey];
    this.save();
    return true;
  }

  snooze(zoneKey: string, snooze: Snooze, nowMs: number): void {
    this.state.snoozes[zoneKey] = snooze;
    for (const [k, s] of Object.entries(this.state.snoozes))
      if (s.until < nowMs) delete this.state.snoozes[k];
    this.save();
  }

  /** Never throws: a disk that refuses is logged once, the state stays in memory and is written whole at the next change. */
  private save(): void {
    if (!this.file) return;
    try {
      writeFileAtomic(this.file, JSON.stringify(this.state));
      if (this.writeFailing) this.log.info({ file: this.file }, 'alert state saved again');
      this.writeFailing = false;
    } catch (err) {
      if (!this.writeFailing)
        this.log.error(
          { code: 'VIGIL_ERR_DISK_WRITE', err: errorMessage(err), file: this.file },
          'alert state not saved; kept in memory, written at the next change',
        );
      this.writeFailing = true;
    }
  }
}
