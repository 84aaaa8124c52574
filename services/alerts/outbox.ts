import path from 'node:path';
import type { Logger } from '../core/logger';
import { errorMessage } from '../core/errors';
import { OutboxFile } from './outbox-log';
import type { OutboxStore } from './outbox-log';
import { isAlertTopic, parseRecord, publishableTopic, recordLine } from './outbox-records';
import type { Entry, OutboxMessage } from './outbox-records';

export type { OutboxMessage } from './outbox-records';
export { publishableTopic } from './outbox-records';

/** Where the outbox sends; resolves once the broker acknowledged (QoS 1). */
export interface OutboxSink {
  readonly connected: boolean;
  publish(topic: string, payload: Buffer, retain: boolean): Promise<void>;
  /** Calls `fn` every time the connection comes up. */
  onConnect(fn: () => void): void;
}

export interface OutboxOptions {
  /** Payload bytes held at most (alerts.outboxMaxMB). */
  maxBytes: number;
  /** Messages held at most. */
  maxMessages?: number;
  /** How long one publish may take before it is retried. */
  publishTimeoutMs: number;
  retryMs: number;
  /** Topic roots this daemon may publish under besides `vigil` (the Home Assistant prefixes). */
  topicRoots?: () => readonly string[];
  /** The log is compacted once it is this big and more than twice what it still holds. */
  compactMinBytes?: number;
  /** While the disk refuses writes, the whole log is tried again this often. */
  diskRetryMs?: number;
}

/** What status, /readyz and /metrics say of the outbox. */
export interface OutboxHealth {
  depth: number;
  pendingBytes: number;
  fileBytes: number;
  /** 'failing': the disk refuses writes; messages are held in memory only until it takes them. */
  disk: 'ok' | 'failing';
  delivered: number;
  /** Dropped at the caps: status-like messages first, alerts only when nothing else is left. */
  dropped: number;
  droppedAlerts: number;
  /** Set aside: a topic Vigil may not publish. */
  rejected: number;
  /** Failed publishes of the message at the head while the broker was connected, in a row. */
  headFailures: number;
}

const DEFAULT_MAX_MESSAGES = 20_000;
const DEFAULT_COMPACT_MIN_BYTES = 4 * 2 ** 20;

/**
 * A durable, ordered queue of MQTT messages. A message's `enqueue` resolves once its record is
 * written and fdatasync'd (group commit: the records queued while a write is in flight share the
 * next write and fdatasync, off the event loop). Messages are delivered one at a time, in order,
 * whenever the broker is reachable; a delivered one is marked done in the same log. After a crash
 * the log is replayed (streamed line by line), so a message may be sent twice (consumers drop
 * duplicates by alert id and seq), never lost. While the disk refuses writes (full, read-only),
 * messages are held and delivered from memory, `enqueue` resolves once they are held, and the
 * whole log is rewritten as soon as the disk takes it again: the state is logged once per change
 * (VIGIL_ERR_DISK_WRITE) and shown in health(). Bounded by count and bytes (see enforceCaps);
 * compacted by rewrite when it holds mostly done records.
 */
export class Outbox {
  private readonly store: OutboxStore;
  private pending: Entry[] = [];
  private pendingBytes = 0;
  private liveLineBytes = 0;
  private nextSeq = 1;
  private opening: Promise<void> | undefined;
  private isOpen = false;
  private wake: (() => void) | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private stopped: () => void = () => undefined;
  private readonly whenStopped = new Promise<void>((r) => (this.stopped = r));
  private diskOk = true;
  private diskTimer: NodeJS.Timeout | undefined;
  private compacting = false;
  private full = false;
  private headFailures = 0;
  delivered = 0;
  dropped = 0;
  droppedAlerts = 0;
  rejected = 0;

  constructor(
    dir: string,
    private readonly sink: OutboxSink,
    private readonly opts: OutboxOptions,
    private readonly log: Logger,
    store?: OutboxStore,
  ) {
    this.store = store ?? new OutboxFile(path.join(dir, 'outbox.log'));
    sink.onConnect(() => this.kick());
  }

  get depth(): number {
    return this.pending.length;
  }

  health(): OutboxHealth {
    return {
      depth: this.pending.length,
      pendingBytes: this.pendingBytes,
      fileBytes: this.store.bytes,
      disk: this.diskOk ? 'ok' : 'failing',
      delivered: this.delivered,
      dropped: this.dropped,
      droppedAlerts: this.droppedAlerts,
      rejected: this.rejected,
      headFailures: this.headFailures,
    };
  }

  /** Replays the log (once); enqueue and start wait for it. */
  open(): Promise<void> {
    this.opening ??= this.replay().then(() => {
      this.isOpen = true;
    });
    return this.opening;
  }

  /**
   * Resolves once the message is on disk (or, while the disk refuses writes, held in memory);
   * never rejects. A topic Vigil may not publish is set aside with VIGIL_ERR_OUTBOX_TOPIC.
   */
  enqueue(msg: OutboxMessage): Promise<void> {
    if (this.isOpen) return this.accept(msg);
    return this.open().then(() => this.accept(msg));
  }

  async start(): Promise<void> {
    await this.open();
    this.running = true;
    this.loop = this.deliver();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopped();
    this.kick();
    await this.loop;
    clearTimeout(this.diskTimer);
    if (!this.diskOk) await this.retryDisk();
    if (!this.diskOk && this.pending.length > 0)
      this.log.error(
        { code: 'VIGIL_ERR_DISK_WRITE', depth: this.pending.length },
        'outbox: the disk still refuses writes at stop; the messages held in memory are lost',
      );
    await this.store.close();
  }

  /** Bytes of the log on disk (metrics). */
  fileBytes(): number {
    return this.store.bytes;
  }

  private roots(): readonly string[] {
    return ['vigil', ...(this.opts.topicRoots?.() ?? [])];
  }

  private accept(msg: OutboxMessage): Promise<void> {
    if (!publishableTopic(msg.topic, this.roots())) {
      this.rejected++;
      this.log.error(
        { code: 'VIGIL_ERR_OUTBOX_TOPIC', topic: String(msg.topic).slice(0, 200) },
        'outbox: a message for a topic Vigil may not publish was set aside, not sent',
      );
      return Promise.resolve();
    }
    if (msg.retain) this.supersede(msg.topic);
    const entry: Entry = {
      ...msg,
      seq: this.nextSeq++,
      alert: isAlertTopic(msg.topic),
      lineBytes: 0,
    };
    const line = recordLine(entry);
    entry.lineBytes = line.length;
    this.add(entry);
    const durable = this.write(line);
    this.enforceCaps();
    this.kick();
    this.maybeCompact();
    return durable;
  }

  private add(e: Entry): void {
    this.pending.push(e);
    this.pendingBytes += e.payload.length;
    this.liveLineBytes += e.lineBytes;
  }

  private remove(index: number): Entry {
    const [e] = this.pending.splice(index, 1);
    this.pendingBytes -= e!.payload.length;
    this.liveLineBytes -= e!.lineBytes;
    void this.write(`${JSON.stringify({ d: e!.seq })}\n`);
    return e!;
  }

  /** A retained message replaces an older one on the same topic still waiting: only the latest state counts. */
  private supersede(topic: string): void {
    const i = this.pending.findIndex((e) => e.retain && e.topic === topic);
    if (i >= 0) this.remove(i);
  }

  /**
   * Past maxMessages or maxBytes, the oldest message that is not an alert (snapshot bytes,
   * retained states, discovery, events) is dropped and counted; an alert (vigil/<camera>/alerts
   * or /health) only when nothing else is left, each one logged with VIGIL_ERR_OUTBOX_FULL.
   */
  private enforceCaps(): void {
    const maxMessages = this.opts.maxMessages ?? DEFAULT_MAX_MESSAGES;
    const over = () => this.pendingBytes > this.opts.maxBytes || this.pending.length > maxMessages;
    while (over() && this.pending.length > 1) {
      const i = this.pending.findIndex((e) => !e.alert);
      const old = this.remove(Math.max(0, i));
      this.dropped++;
      if (old.alert) {
        this.droppedAlerts++;
        this.log.error(
          { code: 'VIGIL_ERR_OUTBOX_FULL', topic: old.topic, seq: old.seq, depth: this.depth },
          'outbox full of alerts: the oldest alert was dropped',
        );
      } else if (!this.full) {
        this.log.warn(
          { code: 'VIGIL_ERR_OUTBOX_FULL', topic: old.topic, depth: this.depth },
          'outbox full: dropping the oldest status messages (snapshots, states) to keep alerts',
        );
      }
      this.full = true;
    }
  }

  /** Appends a record; a refusal switches the outbox to memory until the disk takes the log again. */
  private write(line: string): Promise<void> {
    if (!this.diskOk) return Promise.resolve();
    return this.store.append(line).then(
      () => this.maybeCompact(),
      (err: unknown) => this.diskFailed(err),
    );
  }

  private diskFailed(err: unknown): void {
    if (!this.diskOk) return;
    this.diskOk = false;
    this.log.error(
      { code: 'VIGIL_ERR_DISK_WRITE', err: errorMessage(err), depth: this.depth },
      'outbox: the disk refuses writes; messages are held in memory and still delivered',
    );
    this.scheduleDiskRetry();
  }

  private scheduleDiskRetry(): void {
    clearTimeout(this.diskTimer);
    this.diskTimer = setTimeout(() => {
      void this.retryDisk().then(() => {
        if (!this.diskOk && this.running) this.scheduleDiskRetry();
      });
    }, this.opts.diskRetryMs ?? 5000);
    this.diskTimer.unref();
  }

  private async retryDisk(): Promise<void> {
    try {
      await this.store.rewrite(() => this.pending.map(recordLine));
    } catch (err) {
      this.log.debug({ err: errorMessage(err) }, 'outbox: disk still refuses writes');
      return;
    }
    this.diskOk = true;
    this.log.info({ depth: this.depth }, 'outbox: writing to disk again');
  }

  private maybeCompact(): void {
    const min = this.opts.compactMinBytes ?? DEFAULT_COMPACT_MIN_BYTES;
    const size = this.store.bytes;
    if (!this.diskOk || this.compacting || size < min || size < 2 * this.liveLineBytes) return;
    this.compacting = true;
    this.store
      .rewrite(() => this.pending.map(recordLine))
      .catch((err: unknown) => this.diskFailed(err))
      .finally(() => (this.compacting = false));
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
        const sent = Promise.resolve().then(() =>
          this.sink.publish(head.topic, head.payload, head.retain),
        );
        await this.untilAcked(sent);
      } catch (err) {
        if (++this.headFailures === 1 || this.headFailures % 30 === 0)
          this.log.warn(
            { err: errorMessage(err), topic: head.topic, failures: this.headFailures },
            'outbox publish failed; will retry',
          );
        await this.sleep(this.opts.retryMs);
        continue;
      }
      // Stopped while in flight: not marked done, so sent again after the restart.
      if (!this.running) break;
      this.headFailures = 0;
      if (this.pending[0] === head) this.markDone();
    }
  }

  /** The broker's acknowledgement, a timeout (rejects), or stop(), whichever comes first. */
  private async untilAcked(sent: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const ms = this.opts.publishTimeoutMs;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no acknowledgement within ${ms} ms`)), ms);
    });
    try {
      await Promise.race([sent, timeout, this.whenStopped]);
    } finally {
      clearTimeout(timer);
    }
  }

  private markDone(): void {
    this.remove(0);
    this.delivered++;
    if (this.full && this.pendingBytes < this.opts.maxBytes / 2) this.full = false;
    this.maybeCompact();
  }

  private async replay(): Promise<void> {
    const bySeq = new Map<number, Entry>();
    const roots = this.roots();
    const scan = await this.store
      .scan((line) => {
        const rec = parseRecord(line, roots);
        if (!rec) return false;
        if ('d' in rec) bySeq.delete(rec.d);
        else bySeq.set(rec.seq, rec);
        this.nextSeq = Math.max(this.nextSeq, ('d' in rec ? rec.d : rec.seq) + 1);
        return true;
      })
      .catch((err: unknown) => {
        this.log.error(
          { code: 'VIGIL_ERR_STATE_CORRUPT', err: errorMessage(err) },
          'outbox: the log could not be read; starting empty',
        );
        return undefined;
      });
    if (scan?.tornOnly)
      this.log.warn({ aside: scan.aside }, 'outbox: torn last record skipped (crash during write)');
    else if (scan && scan.bad > 0)
      this.log.error(
        {
          code: 'VIGIL_ERR_STATE_CORRUPT',
          bad: scan.bad,
          kept: scan.lines - scan.bad,
          aside: scan.aside,
        },
        'outbox: malformed records (or topics Vigil may not publish) set aside, never sent; the rest kept',
      );
    for (const e of [...bySeq.values()].sort((a, b) => a.seq - b.seq)) this.add(e);
    if (this.pending.length > 0)
      this.log.info(
        { pending: this.pending.length },
        'outbox: undelivered messages from before the restart',
      );
    await this.store
      .rewrite(() => this.pending.map(recordLine))
      .catch((err: unknown) => this.diskFailed(err));
  }
}
