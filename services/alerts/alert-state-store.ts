import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
  mkdirSync,
} from 'node:fs';
import path from 'node:path';
import type { Logger } from '../core/logger';
import { errorMessage } from '../core/errors';
import type { Feedback } from './payload-schemas';

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

  /** `file` undefined: kept in memory only (offline analysis). */
  constructor(
    private readonly file: string | undefined,
    private readonly log: Logger,
  ) {
    if (!file) return;
    try {
      this.state = JSON.parse(readFileSync(file, 'utf8')) as StateFile;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        this.log.error({ err: errorMessage(err), file }, 'alert state unreadable; starting empty');
    }
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

  private save(): void {
    if (!this.file) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify(this.state));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
  }
}
