import { appendFileSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Outbox } from '../../../services/alerts/outbox';
import type { OutboxSink } from '../../../services/alerts/outbox';
import { OutboxFile } from '../../../services/alerts/outbox-log';
import type { OutboxStore } from '../../../services/alerts/outbox-log';
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

/** The real log file, refusing every write while `full` (ENOSPC), as a full disk does. */
class FullDisk implements OutboxStore {
  full = false;
  writes = 0;
  private readonly inner: OutboxFile;
  constructor(dir: string) {
    this.inner = new OutboxFile(path.join(dir, 'outbox.log'));
  }
  get bytes(): number {
    return this.inner.bytes;
  }
  scan(take: (line: string) => boolean) {
    return this.inner.scan(take);
  }
  private refuse(): Promise<never> {
    return Promise.reject(
      Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }),
    );
  }
  append(line: string): Promise<void> {
    this.writes++;
    return this.full ? this.refuse() : this.inner.append(line);
  }
  rewrite(lines: () => string[]): Promise<void> {
    this.writes++;
    return this.full ? this.refuse() : this.inner.rewrite(lines);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const OPTS = { maxBytes: 1 << 20, publishTimeoutMs: 1000, retryMs: 20 };
const msg = (i: number, topic = 'vigil/c/alerts') => ({
  topic,
  payload: Buffer.from(`m${i}`),
  retain: false,
});
const logFile = (dir: string) => path.join(dir, 'outbox.log');

describe('outbox', () => {
  test('messages wait while the broker is down and arrive in order once it is up, even after failures', async () => {
    const broker = new FakeBroker();
    const box = new Outbox(tempDir(), broker, OPTS, captureLogger().log);
    await box.start();
    for (let i = 0; i < 20; i++) void box.enqueue(msg(i));
    await new Promise((r) => setTimeout(r, 50));
    expect(broker.received).toEqual([]);
    broker.failNext = 3;
    broker.up();
    await waitFor('delivery', () => box.depth === 0);
    expect(broker.received).toEqual(Array.from({ length: 20 }, (_, i) => `vigil/c/alerts=m${i}`));
    await box.stop();
  });

  test('an accepted message is on disk when enqueue resolves', async () => {
    const dir = tempDir();
    const box = new Outbox(dir, new FakeBroker(), OPTS, captureLogger().log);
    await box.start();
    await Promise.all([0, 1, 2].map((i) => box.enqueue(msg(i))));
    const text = readFileSync(logFile(dir), 'utf8');
    for (const i of [0, 1, 2]) expect(text).toContain(Buffer.from(`m${i}`).toString('base64'));
    await box.stop();
  });

  test('what was accepted before a crash is delivered after the restart, in order; a torn last line is skipped', async () => {
    const dir = tempDir();
    const first = new FakeBroker();
    const box = new Outbox(dir, first, OPTS, captureLogger().log);
    for (let i = 0; i < 5; i++) await box.enqueue(msg(i));
    // No stop(), no delivery: the process dies here. A half-written record follows.
    appendFileSync(logFile(dir), '{"p":6,"t":"vigil/c/al');
    const second = new FakeBroker();
    const { log, lines } = captureLogger();
    const again = new Outbox(dir, second, OPTS, log);
    await again.start();
    expect(again.depth).toBe(5);
    second.up();
    await waitFor('delivery after restart', () => again.depth === 0);
    expect(second.received).toEqual([0, 1, 2, 3, 4].map((i) => `vigil/c/alerts=m${i}`));
    expect(lines().some((l) => String(l.msg).includes('torn last record'))).toBe(true);
    await again.stop();
    const third = new Outbox(dir, new FakeBroker(), OPTS, captureLogger().log);
    await third.open();
    expect(third.depth).toBe(0);
    await third.enqueue(msg(9));
    expect(third.depth).toBe(1);
    await third.stop();
    await box.stop();
  });

  const good = (seq: number, topic = 'vigil/c/alerts') =>
    JSON.stringify({ p: seq, t: topic, r: 0, b: Buffer.from(`ok${seq}`).toString('base64') });
  test.each([
    ['a null line', 'null'],
    ['a null topic', '{"p":2,"t":null,"r":0,"b":""}'],
    ['a wildcard topic', JSON.stringify({ p: 2, t: 'vigil/#', r: 0, b: '' })],
    ['a + wildcard', JSON.stringify({ p: 2, t: 'vigil/+/alerts', r: 0, b: '' })],
    ['a topic outside vigil/', JSON.stringify({ p: 2, t: '$SYS/broker', r: 0, b: '' })],
    ['an empty topic', JSON.stringify({ p: 2, t: '', r: 0, b: '' })],
    ['a topic that is only the root', JSON.stringify({ p: 2, t: 'vigil/', r: 0, b: '' })],
    ['a string seq', JSON.stringify({ p: '2', t: 'vigil/c/alerts', r: 0, b: '' })],
    ['a payload that is not base64', JSON.stringify({ p: 2, t: 'vigil/c/alerts', r: 0, b: '{{' })],
    ['a done record with a null seq', '{"d":null}'],
    ['an array', '[1,2,3]'],
    ['not JSON', 'garbage'],
  ])(
    'replay: %s is set aside, never sent; the good records around it are delivered',
    async (_what, bad) => {
      const dir = tempDir();
      writeFileSync(logFile(dir), `${good(1)}\n${bad}\n${good(3)}\n`);
      const broker = new FakeBroker();
      const { log, lines } = captureLogger();
      const box = new Outbox(dir, broker, OPTS, log);
      await box.start();
      broker.up();
      await waitFor('delivery', () => box.depth === 0);
      expect(broker.received).toEqual(['vigil/c/alerts=ok1', 'vigil/c/alerts=ok3']);
      const corrupt = lines().find((l) => l.code === 'VIGIL_ERR_STATE_CORRUPT');
      expect(corrupt).toMatchObject({ bad: 1, kept: 2 });
      const aside = readdirSync(dir).filter((f) => f.startsWith('outbox.log.corrupt-'));
      expect(aside).toHaveLength(1);
      expect(readFileSync(path.join(dir, aside[0]!), 'utf8')).toBe(`${bad}\n`);
      await box.stop();
      // The log no longer holds the bad record: the next start finds nothing to set aside.
      const { log: log2, lines: lines2 } = captureLogger();
      await new Outbox(dir, new FakeBroker(), OPTS, log2).open();
      expect(lines2().filter((l) => l.code === 'VIGIL_ERR_STATE_CORRUPT')).toEqual([]);
    },
  );

  test('the Home Assistant prefix given as a topic root is publishable; a topic Vigil may not publish is refused at enqueue', async () => {
    const broker = new FakeBroker();
    broker.up();
    const { log, lines } = captureLogger();
    const box = new Outbox(
      tempDir(),
      broker,
      { ...OPTS, topicRoots: () => ['homeassistant'] },
      log,
    );
    await box.start();
    for (const topic of ['vigil/#', '', 'other/x', 'homeassistant/binary_sensor/x/config'])
      await box.enqueue(msg(1, topic));
    await waitFor('delivery', () => box.depth === 0);
    expect(broker.received).toEqual(['homeassistant/binary_sensor/x/config=m1']);
    expect(box.health().rejected).toBe(3);
    expect(lines().filter((l) => l.code === 'VIGIL_ERR_OUTBOX_TOPIC')).toHaveLength(3);
    await box.stop();
  });

  test('caps: status messages are dropped oldest first to keep alerts; an alert goes only when nothing else is left, logged', async () => {
    const { log, lines } = captureLogger();
    const box = new Outbox(tempDir(), new FakeBroker(), { ...OPTS, maxMessages: 4 }, log);
    await box.start();
    await box.enqueue(msg(0, 'vigil/c/alerts'));
    await box.enqueue(msg(1, 'vigil/c/events'));
    await box.enqueue(msg(2, 'vigil/c/health'));
    await box.enqueue(msg(3, 'vigil/c/alerts/x/snapshot'));
    await box.enqueue(msg(4, 'vigil/c/alerts'));
    await box.enqueue(msg(5, 'vigil/c/alerts'));
    expect(box.health()).toMatchObject({ depth: 4, dropped: 2, droppedAlerts: 0 });
    await box.enqueue(msg(6, 'vigil/c/alerts'));
    expect(box.health()).toMatchObject({ depth: 4, dropped: 3, droppedAlerts: 1 });
    const full = lines().filter((l) => l.code === 'VIGIL_ERR_OUTBOX_FULL');
    // One warning when status messages start to go, one error per alert dropped.
    expect(full.map((l) => l.level)).toEqual([40, 50]);
    expect(full[1]).toMatchObject({ topic: 'vigil/c/alerts', seq: 1 });
    await box.stop();
  });

  test('bytes cap: beyond maxBytes the oldest is dropped, counted and logged', async () => {
    const { log, lines } = captureLogger();
    const box = new Outbox(tempDir(), new FakeBroker(), { ...OPTS, maxBytes: 10 }, log);
    await box.start();
    for (let i = 0; i < 8; i++) await box.enqueue(msg(i));
    expect(box.depth).toBe(5);
    expect(box.dropped).toBe(3);
    expect(lines().filter((l) => l.code === 'VIGIL_ERR_OUTBOX_FULL')).toHaveLength(3);
    await box.stop();
  });

  test('a retained message replaces an older one on the same topic still waiting', async () => {
    const broker = new FakeBroker();
    const box = new Outbox(tempDir(), broker, OPTS, captureLogger().log);
    await box.start();
    for (const s of ['ON', 'OFF', 'ON'])
      await box.enqueue({
        topic: 'vigil/c/rules/loitering',
        payload: Buffer.from(s),
        retain: true,
      });
    expect(box.depth).toBe(1);
    broker.up();
    await waitFor('delivery', () => box.depth === 0);
    expect(broker.received).toEqual(['vigil/c/rules/loitering=ON']);
    await box.stop();
  });

  test('the log is compacted as messages are delivered', async () => {
    const dir = tempDir();
    const broker = new FakeBroker();
    broker.up();
    const box = new Outbox(dir, broker, { ...OPTS, compactMinBytes: 4096 }, captureLogger().log);
    await box.start();
    for (let i = 0; i < 1200; i++) void box.enqueue(msg(i));
    await waitFor('delivery', () => box.depth === 0, 20_000);
    expect(broker.received).toHaveLength(1200);
    await box.stop();
    expect(statSync(logFile(dir)).size).toBeLessThan(1200 * 40);
  });

  test('during a broker outage the log stays bounded: dropped records are compacted away', async () => {
    const dir = tempDir();
    const box = new Outbox(
      dir,
      new FakeBroker(),
      { ...OPTS, maxMessages: 50, compactMinBytes: 16 * 1024 },
      captureLogger('error').log,
    );
    await box.start();
    let biggest = 0;
    for (let i = 0; i < 2000; i++) {
      await box.enqueue(msg(i, 'vigil/c/events'));
      biggest = Math.max(biggest, box.health().fileBytes);
    }
    await box.stop();
    expect(box.depth).toBe(50);
    // 50 live records are ~3 KB; without compaction 2000 records and 1950 drops are ~140 KB.
    expect(biggest).toBeLessThan(64 * 1024);
    expect(statSync(logFile(dir)).size).toBeLessThan(64 * 1024);
    const again = new Outbox(dir, new FakeBroker(), OPTS, captureLogger().log);
    await again.open();
    expect(again.depth).toBe(50);
  });

  test('a full disk: messages are still delivered from memory, said once; when space returns the log is written whole again', async () => {
    const dir = tempDir();
    const disk = new FullDisk(dir);
    const broker = new FakeBroker();
    const { log, lines } = captureLogger();
    const box = new Outbox(dir, broker, { ...OPTS, diskRetryMs: 30 }, log, disk);
    await box.start();
    await box.enqueue(msg(0));
    disk.full = true;
    for (let i = 1; i <= 20; i++) await box.enqueue(msg(i));
    expect(box.health()).toMatchObject({ disk: 'failing', depth: 21 });
    expect(lines().filter((l) => l.code === 'VIGIL_ERR_DISK_WRITE')).toHaveLength(1);
    broker.up();
    await waitFor('delivery from memory', () => box.depth === 0);
    expect(broker.received).toHaveLength(21);
    for (let i = 21; i < 25; i++) await box.enqueue(msg(i));
    disk.full = false;
    await waitFor('the disk takes the log again', () => box.health().disk === 'ok');
    expect(lines().filter((l) => l.code === 'VIGIL_ERR_DISK_WRITE')).toHaveLength(1);
    expect(lines().some((l) => l.msg === 'outbox: writing to disk again')).toBe(true);
    await box.stop();
    // Whatever was undelivered when the disk came back is on it: a restart replays it.
    const again = new Outbox(dir, new FakeBroker(), OPTS, captureLogger().log);
    await again.open();
    expect(again.depth).toBe(box.depth);
  });

  test('stop does not wait for a publish the broker never acknowledges', async () => {
    const broker = new FakeBroker();
    broker.publish = () => new Promise<void>(() => undefined);
    broker.up();
    const box = new Outbox(
      tempDir(),
      broker,
      { ...OPTS, publishTimeoutMs: 3_600_000 },
      captureLogger().log,
    );
    await box.start();
    await box.enqueue(msg(0));
    await new Promise((r) => setTimeout(r, 20));
    await box.stop();
    expect(box.depth).toBe(1);
  });
});
