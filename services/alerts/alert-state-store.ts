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
}

const MAX_ACKS = 10_000;

/**
 * Clerk decisions that must survive a restart: acknowledgements per incident id and snoozes per
 * camera/zone/rule. Written atomically (temp file, fsync, rename) on every change.
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
    const ids = Object.keys(this.state.acks);
    for (const old of ids.slice(0, Math.max(0, ids.length - MAX_ACKS))) delete this.state.acks[old];
    this.save();
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
