import { rename, open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { FILE_MODE, makePrivateDir, scanLineFile } from '../core/state-file';
import type { LineScan } from '../core/state-file';

/** What the outbox needs of its log file; a fake in tests can refuse writes like a full disk. */
export interface OutboxStore {
  /** Streams the records of the log; `take` answers false for a bad line (set aside). */
  scan(take: (line: string) => boolean): Promise<LineScan>;
  /** Resolves once the line is written and fdatasync'd; rejects when the disk refuses. */
  append(line: string): Promise<void>;
  /**
   * Replaces the log with `lines()` (evaluated when the write starts: what is queued before then
   * is in it); temp file, fsync, rename. Rejects when the disk refuses; the old log is kept.
   */
  rewrite(lines: () => string[]): Promise<void>;
  /** Bytes in the log now (appended since the last rewrite included). */
  readonly bytes: number;
  close(): Promise<void>;
}

interface Waiter {
  line: string;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * The outbox's append-only file with group commit: lines queued while a write is in flight go
 * out together in one write and one fdatasync, off the event loop (fs.promises). One worker does
 * the writes in order, so a rewrite (compaction) never interleaves with an append.
 */
export class OutboxFile implements OutboxStore {
  private fh: FileHandle | undefined;
  private queue: Waiter[] = [];
  private rewriteWanted: { lines: () => string[]; waiters: Waiter[] } | undefined;
  private worker: Promise<void> | undefined;
  bytes = 0;

  constructor(readonly file: string) {}

  async scan(take: (line: string) => boolean): Promise<LineScan> {
    makePrivateDir(path.dirname(this.file));
    return scanLineFile(this.file, take, { rewrite: false });
  }

  append(line: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ line, resolve, reject });
      this.work();
    });
  }

  rewrite(lines: () => string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const w: Waiter = { line: '', resolve, reject };
      if (this.rewriteWanted) this.rewriteWanted.waiters.push(w);
      else this.rewriteWanted = { lines, waiters: [w] };
      this.work();
    });
  }

  async close(): Promise<void> {
    await this.worker;
    await this.fh?.close();
    this.fh = undefined;
  }

  private work(): void {
    this.worker ??= this.drain().finally(() => {
      this.worker = undefined;
      if (this.queue.length > 0 || this.rewriteWanted) this.work();
    });
  }

  private async drain(): Promise<void> {
    while (this.rewriteWanted || this.queue.length > 0) {
      if (this.rewriteWanted) await this.doRewrite(this.rewriteWanted);
      else await this.doAppend(this.queue.splice(0));
    }
  }

  private async doAppend(batch: Waiter[]): Promise<void> {
    const text = batch.map((w) => w.line).join('');
    try {
      this.fh ??= await open(this.file, 'a', FILE_MODE);
      await this.fh.write(text);
      await this.fh.datasync();
      this.bytes += Buffer.byteLength(text);
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    for (const w of batch) w.resolve();
  }

  private async doRewrite(want: { lines: () => string[]; waiters: Waiter[] }): Promise<void> {
    this.rewriteWanted = undefined;
    // The lines queued so far are in the snapshot: they are durable once it is.
    const covered = [...want.waiters, ...this.queue.splice(0)];
    const text = want.lines().join('');
    const tmp = `${this.file}.tmp`;
    try {
      const fd = await open(tmp, 'w', FILE_MODE);
      try {
        await fd.write(text);
        await fd.sync();
      } finally {
        await fd.close();
      }
      await rename(tmp, this.file);
      await this.fh?.close();
      this.fh = undefined;
      this.bytes = Buffer.byteLength(text);
    } catch (err) {
      for (const w of covered) w.reject(err);
      return;
    }
    for (const w of covered) w.resolve();
  }
}
