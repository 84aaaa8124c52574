import { AlertStateStore } from '../../../services/alerts/alert-state-store';
import { ACK_AFTER_END_MS, applyCommand } from '../../../services/alerts/clerk-commands';
import type { Incident, IncidentManager } from '../../../services/alerts/incidents';
import { captureLogger } from '../../helpers/logger';

const OPEN = '11111111-1111-4111-8111-111111111111';
const ENDED = '22222222-2222-4222-8222-222222222222';
const OLD = '33333333-3333-4333-8333-333333333333';
const NOW = Date.UTC(2026, 11, 1, 12);

const incidents = {
  find: (id: string) =>
    id === OPEN ? ({ id, camera: 'till', zoneKey: 'till/queue/loitering' } as Incident) : undefined,
} as unknown as IncidentManager;
/** ENDED ended 10 minutes ago on camera till; OLD two hours ago. */
const recentlyEnded = (id: string, sinceMs: number) =>
  (id === ENDED && NOW - 10 * 60_000 >= sinceMs) || (id === OLD && NOW - 2 * 3600_000 >= sinceMs)
    ? 'till'
    : undefined;

function run(topic: string, body: unknown) {
  const store = new AlertStateStore(undefined, captureLogger().log);
  const payload = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const r = applyCommand(topic, payload, NOW, incidents, store, captureLogger().log, recentlyEnded);
  return { r, acked: [OPEN, ENDED, OLD].filter((id) => store.ackOf(id) !== null) };
}

test('an ack of an open incident, or of one ended within the hour, on its own camera, is applied', () => {
  expect(run(`vigil/till/alerts/${OPEN}/ack`, { by: 'ann' })).toMatchObject({
    r: { ok: true },
    acked: [OPEN],
  });
  expect(run(`vigil/till/alerts/${ENDED}/ack`, { by: 'ann' })).toMatchObject({
    r: { ok: true },
    acked: [ENDED],
  });
  expect(ACK_AFTER_END_MS).toBe(3600_000);
});

test.each([
  ['an unknown id', `vigil/till/alerts/44444444-4444-4444-8444-444444444444/ack`, { by: 'ann' }],
  ['36 dashes', `vigil/till/alerts/${'-'.repeat(36)}/ack`, { by: 'ann' }],
  ['an incident ended two hours ago', `vigil/till/alerts/${OLD}/ack`, { by: 'ann' }],
  ["a closed incident on another camera's topic", `vigil/door/alerts/${ENDED}/ack`, { by: 'ann' }],
  ["an open incident on another camera's topic", `vigil/door/alerts/${OPEN}/ack`, { by: 'ann' }],
  ['a name with NUL', `vigil/till/alerts/${OPEN}/ack`, { by: 'ann\u0000root' }],
  [
    'a name with a right-to-left override',
    `vigil/till/alerts/${OPEN}/ack`,
    { by: 'ann\u202egnp.exe' },
  ],
  [
    'a note with a newline',
    `vigil/till/alerts/${OPEN}/ack`,
    { by: 'ann', note: 'ok\nFAKE LOG LINE' },
  ],
  [
    'a snooze of a closed incident',
    `vigil/till/alerts/${ENDED}/snooze`,
    { by: 'ann', minutes: 10 },
  ],
  [
    'a snooze longer than a day',
    `vigil/till/alerts/${OPEN}/snooze`,
    { by: 'ann', minutes: 100_000 },
  ],
])('%s is refused and writes nothing', (_name, topic, body) => {
  const { r, acked } = run(topic, body);
  expect(r.ok).toBe(false);
  expect(acked).toEqual([]);
});

test("on a per-login topic the login answers, whatever the payload's `by` says", () => {
  const store = new AlertStateStore(undefined, captureLogger().log);
  const r = applyCommand(
    `vigil/till/alerts/${OPEN}/ack/ann`,
    Buffer.from(JSON.stringify({ by: 'manager', note: 'ok' })),
    NOW,
    incidents,
    store,
    captureLogger().log,
    recentlyEnded,
  );
  expect(r).toMatchObject({ ok: true, by: 'ann' });
  expect(store.ackOf(OPEN)).toMatchObject({ by: 'ann', note: 'ok' });
  // Without `by` in the payload too: the topic names who answered.
  const f = applyCommand(
    `vigil/till/alerts/${OPEN}/feedback/ann`,
    Buffer.from(JSON.stringify({ verdict: 'confirmed' })),
    NOW,
    incidents,
    store,
    captureLogger().log,
    recentlyEnded,
  );
  expect(f).toMatchObject({ ok: true, by: 'ann', feedback: { by: 'ann' } });
});
