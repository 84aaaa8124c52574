import { BrokerLogins, verifyScryptAsync } from '../../../services/alerts/broker-logins';
import type { BrokerLogin, LoginLimits } from '../../../services/alerts/broker-logins';
import { ManualClock } from '../../../services/core/clock';
import { scryptHash, sha256Hex } from '../../../services/core/hashing';

const USERS: BrokerLogin[] = [
  { name: 'ann', role: 'clerk', scrypt: scryptHash('ann-pw') },
  { name: 'dash', role: 'viewer', sha256: sha256Hex('dash-pw') },
];
const LIMITS: LoginLimits = {
  freeFailures: 2,
  backoffMs: 1000,
  maxBackoffMs: 4000,
  concurrent: 1,
  queued: 2,
};

test.each([
  ['the scrypt login', 'ann', 'ann-pw', { ok: true, name: 'ann', role: 'clerk' }],
  ['the older sha256 login', 'dash', 'dash-pw', { ok: true, name: 'dash', role: 'viewer' }],
  ['a wrong password', 'ann', 'dash-pw', { ok: false, code: 4 }],
  ['an unknown name', 'manager', 'ann-pw', { ok: false, code: 4 }],
  ['a name of the same length, more bytes', 'añn', 'ann-pw', { ok: false, code: 4 }],
  ['a 64 KB password', 'ann', 'x'.repeat(65_536), { ok: false, code: 4 }],
  ['invalid UTF-8 read as text', '\ufffd\ufffd', '\ufffd', { ok: false, code: 4 }],
])('%s', async (_name, user, password, outcome) => {
  const logins = new BrokerLogins(USERS, new ManualClock(0), LIMITS);
  await expect(logins.check('10.0.0.5', user, password)).resolves.toMatchObject(outcome);
});

test('an address that failed more than its free tries waits, twice as long each time, up to the cap; others do not', async () => {
  const clock = new ManualClock(0);
  const logins = new BrokerLogins(USERS, clock, LIMITS);
  const bad = () => logins.check('10.0.0.5', 'ann', 'wrong');
  expect(await bad()).toMatchObject({ code: 4 });
  expect(await bad()).toMatchObject({ code: 4 });
  // Two free failures used: the third costs a scrypt and then a wait of 1 s.
  expect(await bad()).toMatchObject({ code: 4 });
  expect(await logins.check('10.0.0.5', 'ann', 'ann-pw')).toMatchObject({ code: 3 });
  expect(await logins.check('10.0.0.6', 'ann', 'ann-pw')).toMatchObject({ ok: true });
  clock.advance(1000);
  expect(await bad()).toMatchObject({ code: 4 });
  clock.advance(1999);
  expect(await bad()).toMatchObject({ code: 3 });
  clock.advance(1);
  expect(await bad()).toMatchObject({ code: 4 });
  clock.advance(3999);
  expect(await bad()).toMatchObject({ code: 3 });
  clock.advance(1);
  // The right password, once the wait is over, logs in and clears the record.
  expect(await logins.check('10.0.0.5', 'ann', 'ann-pw')).toMatchObject({ ok: true });
  expect(await bad()).toMatchObject({ code: 4 });
});

test('checks run one at a time here; beyond the queue, a login is refused at once', async () => {
  const logins = new BrokerLogins(USERS, new ManualClock(0), LIMITS);
  const all = await Promise.all(
    ['a', 'b', 'c', 'd', 'e'].map((a) =>
      logins.check(`10.0.0.${a.charCodeAt(0)}`, 'ann', 'ann-pw'),
    ),
  );
  // One running and two queued: the fourth and fifth are refused as "server unavailable".
  expect(all.map((r) => (r.ok ? 'ok' : r.code))).toEqual(['ok', 'ok', 'ok', 3, 3]);
});

test.each([
  ['not the format', 'scrypt$x'],
  ['N not a power of two', 'scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA$' + 'A'.repeat(43)],
  ['N too costly', 'scrypt$2097152$8$1$AAAAAAAAAAAAAAAAAAAAAA$' + 'A'.repeat(43)],
  ['r too costly for scrypt', 'scrypt$1048576$99$1$AAAAAAAAAAAAAAAAAAAAAA$' + 'A'.repeat(43)],
])('a stored string %s never matches, never throws', async (_name, stored) => {
  await expect(verifyScryptAsync('x', stored)).resolves.toBe(false);
});
