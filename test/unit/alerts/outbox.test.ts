import { appendFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Outbox } from '../../../services/alerts/outbox';
import type { OutboxSink } from '../../../services/alerts/outbox';
import { captureLogger } from '../../helpers/logger';
import { tempDir } from '../../helpers/media';
import { waitFor } from '../../helpers/wait';

/** A broker stand-in that records what it acknowledged; it can be down or fail publishes. */
class FakeBroker implements OutboxSink {
  connected = false;
  received: string[] = [];
  failNext = 0;
  private listeners: (() => void)[] = [];
  onConnect(fn: () => void): void {
    this.listeners.push(fn);
  }
  up(): void {
    this.connected = true;
    this.listeners.forEach((f) => f());
  }
  async publish(topic: string, payload: Buffer): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('broker went away');
    }
    this.received.push(`${topic}=${payload.toString()}`);
  }
}

const OPTS = { maxBytes: 1 << 20, publishTimeoutMs: 1000, retryMs: 20 };
const msg = (i: number) => ({
  topic: `vigil/c/alerts`,
  payload: Buffer.from(`m${i}`),
  retain: false,
});

describe('outbox', () => {
  test('messages wait while the broker is down and arrive in order once it is up, even after failures', async () => {
    const broker = new FakeBroker();
    const box = new Outbox(tempDir(), broker, OPTS, captureLogger().log);
    box.start();
    for (let i = 0; i < 20; i++) box.enqueue(msg(i));
    await new Promise((r) => setTimeout(r, 50));
    expect(broker.received).toEqual([]);
    broker.failNext = 3;
    broker.up();
    await waitFor('delivery', () => box.depth === 0);
    expect(broker.received).toEqual(Array.from({ length: 20 }, (_, i) => `vigil/c/alerts=m${i}`));
    await box.stop();
  });

  test('what was accepted before a crash is delivered after the restart, in order; a torn last line is skipped', async () => {
    const dir = tempDir();
    const first = new FakeBroker();
    const box = new Outbox(dir, first, OPTS, captureLogger().log);
    for (let i = 0; i < 5; i++) box.enqueue(msg(i));
    // No stop(), no delivery: the process dies here. A half-written record follows.
    appendFileSync(path.join(dir, 'outbox.log'), '{"p":6,"t":"vigil/c/al');
    const second = new FakeBroker();
    const { log, lines } = captureLogger();
    const again = new Outbox(dir, second, OPTS, log);
    expect(again.depth).toBe(5);
    again.start();
    second.up();
    await waitFor('delivery after restart', () => again.depth === 0);
    expect(second.received).toEqual([0, 1, 2, 3, 4].map((i) => `vigil/c/alerts=m${i}`));
    expect(lines().some((l) => String(l.msg).includes('torn last record'))).toBe(true);
    await again.stop();
    const third = new Outbox(dir, new FakeBroker(), OPTS, captureLogger().log);
    expect(third.depth).toBe(0);
    third.enqueue(msg(9));
    expect(third.depth).toBe(1);
  });

  test('bounded: beyond maxBytes the oldest is dropped, counted and logged', () => {
    const { log, lines } = captureLogger();
    const box = new Outbox(tempDir(), new FakeBroker(), { ...OPTS, maxBytes: 10 }, log);
    for (let i = 0; i < 8; i++) box.enqueue(msg(i));
    expect(box.depth).toBe(5);
    expect(box.dropped).toBe(3);
    expect(lines().filter((l) => l.code === 'VIGIL_ERR_OUTBOX_FULL')).toHaveLength(3);
  });

  test('the log is compacted as messages are delivered', async () => {
    const dir = tempDir();
    const broker = new FakeBroker();
    broker.up();
    const box = new Outbox(dir, broker, OPTS, captureLogger().log);
    box.start();
    for (let i = 0; i < 1200; i++) box.enqueue(msg(i));
    await waitFor('delivery', () => box.depth === 0, 20_000);
    expect(broker.received).toHaveLength(1200);
    expect(statSync(path.join(dir, 'outbox.log')).size).toBeLessThan(1200 * 40);
    await box.stop();
  });
});
