import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AlertHistory } from '../../../services/alerts/alert-history';
import { AlertStateStore } from '../../../services/alerts/alert-state-store';
import { FeedbackCounts } from '../../../services/alerts/feedback-counts';
import { OpenIncidents } from '../../../services/alerts/open-incidents';
import { alertPayload } from '../../helpers/events';
import { captureLogger } from '../../helpers/logger';
import { tempDir } from '../../helpers/media';

const alert = alertPayload;

const asideFiles = (dir: string, name: string) =>
  readdirSync(dir).filter((f) => f.startsWith(`${name}.corrupt-`));
const codes = (lines: () => Record<string, unknown>[]) => lines().map((l) => l.code);

describe('alert-state.json read back', () => {
  const ack = { by: 'ann', at: '2026-01-01T10:00:00.000Z' };
  test.each([
    ['an empty object', '{}'],
    ['an array', '[]'],
    ['a number', '5'],
    ['null', 'null'],
    ['no snoozes', JSON.stringify({ acks: {} })],
    ['snoozes that are not an object', JSON.stringify({ acks: {}, snoozes: 7 })],
    [
      'a snooze without until',
      JSON.stringify({ acks: {}, snoozes: { 'cam/z/loitering': { by: 'x' } } }),
    ],
    ['an ack that is a number', JSON.stringify({ acks: { a: 5 }, snoozes: {} })],
    ['truncated', '{"acks":{"a":{"by":"ann","at":"2026-01-'],
    ['not JSON', 'not json at all'],
  ])('%s: set aside with VIGIL_ERR_STATE_CORRUPT; the store answers and saves', (_what, text) => {
    const dir = tempDir('vigil-state-');
    const file = path.join(dir, 'alert-state.json');
    writeFileSync(file, text);
    const { log, lines } = captureLogger();
    const store = new AlertStateStore(file, log);
    expect(store.snoozedUntil('cam/z/loitering')).toBe(0);
    expect(store.ackOf('a')).toBeNull();
    expect(store.snoozes(0)).toEqual([]);
    expect(codes(lines)).toContain('VIGIL_ERR_STATE_CORRUPT');
    expect(asideFiles(dir, 'alert-state.json')).toHaveLength(1);
    store.snooze('cam/z/loitering', { by: 'ann', until: 2000 }, 1000);
    store.ack('b', ack);
    const again = new AlertStateStore(file, captureLogger().log);
    expect(again.snoozedUntil('cam/z/loitering')).toBe(2000);
    expect(again.ackOf('b')).toEqual(ack);
  });

  test('the good entries are kept and written back; the next start finds a clean file', () => {
    const dir = tempDir('vigil-state-');
    const file = path.join(dir, 'alert-state.json');
    const feedback = { verdict: 'confirmed', by: 'ann', at: ack.at };
    writeFileSync(
      file,
      JSON.stringify({
        acks: { good: ack, bad: { by: 5 } },
        snoozes: { 'cam/z/loitering': { by: 'ann', until: 5000 }, nul: null },
        feedback: { good: feedback, bad: { verdict: 'maybe', by: 'x', at: ack.at } },
      }),
    );
    const store = new AlertStateStore(file, captureLogger().log);
    expect(store.ackOf('good')).toEqual(ack);
    expect(store.ackOf('bad')).toBeNull();
    expect(store.snoozedUntil('cam/z/loitering')).toBe(5000);
    expect(store.feedbackOf('good')).toEqual(feedback);
    expect(store.feedbackOf('bad')).toBeNull();
    const { log, lines } = captureLogger();
    new AlertStateStore(file, log);
    expect(codes(lines)).toEqual([]);
  });

  test('a disk that refuses the write: no throw, logged once, written when it takes it again', () => {
    const dir = tempDir('vigil-state-');
    const blocker = path.join(dir, 'not-a-dir');
    writeFileSync(blocker, 'x'); // a file where the state's folder should be: every write fails
    const { log, lines } = captureLogger();
    const store = new AlertStateStore(path.join(blocker, 'alert-state.json'), log);
    expect(() => store.ack('a', ack)).not.toThrow();
    expect(() => store.snooze('k', { by: 'ann', until: 9 }, 1)).not.toThrow();
    expect(codes(lines).filter((c) => c === 'VIGIL_ERR_DISK_WRITE')).toHaveLength(1);
    expect(store.ackOf('a')).toEqual(ack);
  });
});

describe('persisted maps read back', () => {
  test.each([
    ['null', 'null'],
    ['an array', '[1]'],
    ['truncated', '{"cam/z/loitering":{"camera":"cam"'],
  ])('feedback-counts.json as %s: set aside, counting starts again', (_what, text) => {
    const dir = tempDir('vigil-fb-');
    writeFileSync(path.join(dir, 'feedback-counts.json'), text);
    const { log, lines } = captureLogger();
    const counts = new FeedbackCounts(dir, log);
    expect(counts.rows()).toEqual([]);
    expect(codes(lines)).toContain('VIGIL_ERR_STATE_CORRUPT');
    expect(asideFiles(dir, 'feedback-counts.json')).toHaveLength(1);
  });

  test('a bad feedback-counts entry is dropped, never served or written back; the good ones stay', () => {
    const dir = tempDir('vigil-fb-');
    const file = path.join(dir, 'feedback-counts.json');
    const good = {
      camera: 'cam',
      zone: 'z',
      rule: 'loitering',
      alerts: 3,
      confirmed: 1,
      false_alarm: 1,
    };
    writeFileSync(
      file,
      JSON.stringify({
        'cam/z/loitering': good,
        'cam/y/loitering': { ...good, zone: 'y', alerts: 'many' },
        'cam/x/loitering': null,
      }),
    );
    const counts = new FeedbackCounts(dir, captureLogger().log);
    expect(counts.rows()).toEqual([
      {
        camera: 'cam',
        zone: 'z',
        rule: 'loitering',
        alerts: 3,
        confirmed: 1,
        falseAlarm: 1,
        unanswered: 1,
      },
    ]);
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')) as object)).toEqual([
      'cam/z/loitering',
    ]);
  });

  test('open-incidents.json: null and wrong-shaped incidents are dropped; a good one is still ended after the restart', () => {
    const dir = tempDir('vigil-open-');
    const file = path.join(dir, 'open-incidents.json');
    const open = alert(1);
    writeFileSync(
      file,
      JSON.stringify({ [open.id]: open, x: null, y: { id: 'y', type: 'start' } }),
    );
    const { log, lines } = captureLogger();
    const incidents = new OpenIncidents(file, log);
    expect(incidents.leftover).toEqual([open]);
    expect(codes(lines)).toContain('VIGIL_ERR_STATE_CORRUPT');
  });
});

describe('alerts.jsonl read back', () => {
  test('null, wrong-shaped, not-JSON and torn lines are set aside; the file is rewritten with the good ones', async () => {
    const dir = tempDir('vigil-hist-');
    const file = path.join(dir, 'alerts.jsonl');
    const bad = ['null', '5', '{"id":"x","type":"start"}', 'not json', '{"torn":'];
    writeFileSync(
      file,
      `${JSON.stringify(alert(1))}\n${bad.slice(0, 4).join('\n')}\n${JSON.stringify(alert(2))}\n${bad[4]}`,
    );
    const { log, lines } = captureLogger();
    const h = new AlertHistory(dir, 100, log);
    await h.load();
    expect(h.unreadableLines).toBe(5);
    expect(h.list({ limit: 10 }).items.map((a) => a.trackId)).toEqual([2, 1]);
    expect(h.incidents(0).map((a) => a.trackId)).toEqual([2, 1]);
    expect(codes(lines)).toContain('VIGIL_ERR_STATE_CORRUPT');
    const aside = asideFiles(dir, 'alerts.jsonl');
    expect(readFileSync(path.join(dir, aside[0]!), 'utf8')).toBe(`${bad.join('\n')}\n`);
    h.add(alert(3));
    const again = new AlertHistory(dir, 100, captureLogger().log);
    await again.load();
    expect(again.unreadableLines).toBe(0);
    expect(again.list({ limit: 10 }).items.map((a) => a.trackId)).toEqual([3, 2, 1]);
  });

  test('only the last `keep` messages are held', async () => {
    const dir = tempDir('vigil-hist-');
    writeFileSync(
      path.join(dir, 'alerts.jsonl'),
      Array.from({ length: 9 }, (_, i) => JSON.stringify(alert(i))).join('\n'),
    );
    const h = new AlertHistory(dir, 3);
    await h.load();
    expect(h.list({ limit: 10 }).items.map((a) => a.trackId)).toEqual([8, 7, 6]);
  });
});
