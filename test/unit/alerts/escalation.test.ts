import { parseConfig } from '../../../services/config/load';
import { ManualClock } from '../../../services/core/clock';
import { Escalator, escalationFor } from '../../../services/alerts/escalation';
import type { AlertPayload } from '../../../services/alerts/payload-schemas';

const config = (escalation: object) =>
  parseConfig({
    alerts: { escalation },
    cameras: [{ id: 'cam', source: { url: 'rtsp://127.0.0.1/x' } }],
  }).alerts.escalation;

test.each([
  ['off by default', {}, 'loitering', 'low', null],
  [
    'the defaults',
    { enabled: true },
    'loitering',
    'low',
    { afterMs: 120_000, times: 2, to: { logins: [], roles: ['admin'] } },
  ],
  [
    'a rule override',
    {
      enabled: true,
      rules: [{ rule: 'concealment', afterSeconds: 30, times: 3, toLogins: ['lp'] }],
    },
    'concealment',
    'medium',
    { afterMs: 30_000, times: 3, to: { logins: ['lp'], roles: ['admin'] } },
  ],
  [
    'an override for another rule',
    { enabled: true, rules: [{ rule: 'concealment', afterSeconds: 30 }] },
    'loitering',
    'low',
    { afterMs: 120_000, times: 2, to: { logins: [], roles: ['admin'] } },
  ],
  [
    'low severity switched off',
    { enabled: true, rules: [{ severity: 'low', enabled: false }] },
    'loitering',
    'low',
    null,
  ],
  [
    'high severity sooner',
    {
      enabled: true,
      rules: [
        { severity: 'low', enabled: false },
        { severity: 'high', afterSeconds: 20 },
      ],
    },
    'walkout',
    'high',
    { afterMs: 20_000, times: 2, to: { logins: [], roles: ['admin'] } },
  ],
] as const)('escalationFor: %s', (_n, c, rule, severity, want) => {
  expect(escalationFor(config(c), rule, severity)).toEqual(want);
});

function run(heldUntilMs = 0) {
  const clock = new ManualClock(1_000_000);
  const done: [string, number][] = [];
  const answered: [string, number][] = [];
  const e = new Escalator({
    config: () => config({ enabled: true, afterSeconds: 60, times: 2 }),
    now: () => clock.now(),
    escalate: (w, level) => done.push([w.alert.id, level]),
    answered: (a, s) => answered.push([a.id, s]),
    held: () => clock.now() < heldUntilMs,
  });
  const alert = (id: string, type: AlertPayload['type'] = 'start') =>
    ({ id, type, rule: 'loitering', severity: 'low', ack: null }) as unknown as AlertPayload;
  return { clock, done, answered, e, alert };
}

test('escalates every afterSeconds, `times` at most, and stops at the first answer', () => {
  const { clock, done, answered, e, alert } = run();
  e.onEvent({ type: 'alert', alert: alert('a') });
  e.onEvent({ type: 'alert', alert: alert('b') });
  // Updates and ends keep the alert waiting: answers are taken for an hour.
  e.onEvent({ type: 'alert', alert: alert('b', 'end') });
  for (const step of [59_999, 1, 60_000, 60_000, 60_000]) {
    clock.advance(step);
    e.tick();
    if (done.length === 2) e.onAnswer('a');
  }
  expect(done).toEqual([
    ['a', 1],
    ['b', 1],
    ['b', 2],
  ]);
  expect(answered).toEqual([['a', 60]]);
  // An answer to an unknown or already answered alert is no first answer.
  e.onAnswer('a');
  e.onAnswer('zzz');
  expect(answered).toHaveLength(1);
});

test('a snoozed or quiet zone holds the escalation until it is over', () => {
  const { clock, done, e, alert } = run(1_000_000 + 150_000);
  e.onEvent({ type: 'alert', alert: alert('a') });
  clock.advance(120_000);
  e.tick();
  expect(done).toEqual([]);
  clock.advance(30_000);
  e.tick();
  expect(done).toEqual([['a', 1]]);
});

test('an alert already acknowledged at its start, or answered before, is not watched', () => {
  const { clock, done, e, alert } = run();
  e.onEvent({ type: 'alert', alert: { ...alert('a'), ack: { by: 'x', at: '' } } as AlertPayload });
  e.onEvent({ type: 'alert', alert: alert('b') });
  e.onAnswer('b');
  e.onEvent({ type: 'alert', alert: alert('b') });
  clock.advance(600_000);
  e.tick();
  expect(done).toEqual([]);
  expect(e.open).toBe(0);
});
