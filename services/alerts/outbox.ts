import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import type { Logger } from '../core/logger';
import { errorMessage } from '../core/errors';

export interface OutboxMessage {
  topic: string;
  payload: Buffer;
  retain: boolean;
}

interface Entry extends OutboxMessage {
  seq: number;
}

/** Where the outbox sends; resolves once the broker acknowledged (QoS 1). */
export interface OutboxSink {
  readonly connected: boolean;
  publish(topic: string, payload: Buffer, retain: boolean): Promise<void>;
  /** Calls `fn` every time the connection comes up. */
  onConnect(fn: () => void): void;
}

export interface OutboxOptions {
  maxBytes: number;
  /** How long one publish may take before it is retried. */
  publishTimeoutMs: number;
  retryMs: number;
}

/**
 * A durable, ordered queue of MQTT messages: every message is appended and fsync'd before
 * `enqueue` returns, then delivered one at a time, in order, whenever the broker is reachable;
 * a delivered message is marked done in the same log. After a crash the log is replayed, so a
 * message may be sent twice (consumers drop duplicates by alert id and seq), never lost.
 * Compacted when mostly done; bounded by `maxBytes`, dropping the oldest with a count and a log.
 */
export class Outbox {
  private readonly file: string;
  private fd: number;
  private pending: Entry[] = [];
  private pendingBytes = 0;
  private nextSeq = 1;
  private doneSinceCompact = 0;
  private wake: (() => void) | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  delivered = 0;
  dropped = 0;

  constructor(
    dir: string,
    private readonly sink: OutboxSink,
    private readonly opts: OutboxOptions,
    private readonly log: Logger,
  ) {
    mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, 'outbox.log');
    this.replay();
    this.compact();
    this.fd = openSync(this.file, 'a');
    sink.onConnect(() => this.kick());
  }

  get depth(): number {
    return this.pending.length;
  }

  /** Durable on return. */
  enqueue(msg: OutboxMessage): void {
    const entry: Entry = { ...msg, seq: this.nextSeq++ };
    this.append({
      p: entry.seq,
      t: entry.topic,
      r: entry.retain ? 1 : 0,
      b: entry.payload.toString('base64'),
    });
    this.pending.push(entry);
    this.pendingBytes += entry.payload.length;
    while (this.pendingBytes > this.opts.maxBytes && this.pending.length > 1) {
      const old = this.pending.shift()!;
      this.pendingBytes -= old.payload.length;
      this.append({ d: old.seq });
      this.dropped++;
      this.log.error(
        {
          code: 'VIGIL_ERR_OUTBOX_FULL',
          topic: old.topic,
          depth: this.pending.length,
          dropped: this.dropped,
        },
        'outbox full: oldest message dropped',
      );
    }
    this.kick();
  }

  start(): void {
    this.running = true;
    this.loop = this.deliver();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.kick();
    await this.loop;
    closeSync(this.fd);
  }

  private kick(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private sleep(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(() => this.kick(), ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async deliver(): Promise<void> {
    while (this.running) {
      const head = this.pending[0];
      if (!head || !this.sink.connected) {
        await this.sleep(head ? this.opts.retryMs : undefined);
        continue;
      }
      try {
        await withTimeout(
          this.sink.publish(head.topic, head.payload, head.retain),
          this.opts.publishTimeoutMs,
        );
      } catch (err) {
        this.log.warn(
          { err: errorMessage(err), topic: head.topic },
          'outbox publish failed; will retry',
        );
        await this.sleep(this.opts.retryMs);
        continue;
      }
      if (this.pending[0] === head) this.markDone();
    }
  }

  private markDone(): void {
    const done = this.pending.shift()!;
    this.pendingBytes -= done.payload.length;
    this.delivered++;
    this.append({ d: done.seq });
    if (++this.doneSinceCompact >= 500 && this.pending.length < 100) {
      closeSync(this.fd);
      this.compact();
      this.fd = openSync(this.file, 'a');
    }
  }

  private append(record: object): void {
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
    fsyncSync(this.fd);
  }

  private replay(): void {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const bySeq = new Map<number, Entry>();
    for (const line of text.split('\n')) {
      if (!line) continue;
      let rec: { p?: number; d?: number; t?: string; r?: number; b?: string };
      try {
        rec = JSON.parse(line) as typeof rec;
      } catch {
        this.log.warn({ file: this.file }, 'outbox: torn last record skipped (crash during write)');
        continue;
      }
      if (rec.p !== undefined)
        bySeq.set(rec.p, {
          seq: rec.p,
          topic: rec.t!,
          retain: rec.r === 1,
          payload: Buffer.from(rec.b!, 'base64'),
        });
      if (rec.d !== undefined) bySeq.delete(rec.d);
      this.nextSeq = Math.max(this.nextSeq, (rec.p ?? rec.d ?? 0) + 1);
    }
    this.pending = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    this.pendingBytes = this.pending.reduce((s, e) => s + e.payload.length, 0);
    if (this.pending.length > 0)
      this.log.info(
        { pending: this.pending.length },
        'outbox: undelivered messages from before the restart',
      );
  }

  /** Rewrites the log with only the pending messages (temp file, fsync, rename). */
  private compact(): void {
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      for (const e of this.pending)
        writeSync(
          fd,
          `${JSON.stringify({ p: e.seq, t: e.topic, r: e.retain ? 1 : 0, b: e.payload.toString('base64') })}\n`,
        );
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    this.doneSinceCompact = 0;
  }

  /** Bytes of the log on disk (metrics). */
  fileBytes(): number {
    return statSync(this.file).size;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no acknowledgement within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e as Error);
      },
    );
  });
}
