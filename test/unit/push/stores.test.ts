import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SubscriptionStore, subscriptionId } from '../../../services/push/subscription-store';
import type { StoredSubscription } from '../../../services/push/subscription-store';
import { loadOrCreateVapid, vapidAuthorization } from '../../../services/push/vapid';
import { captureLogger } from '../../helpers/logger';
import { tempDir } from '../../helpers/media';

const sub = (login: string, n: number): StoredSubscription => {
  const endpoint = `https://fcm.googleapis.com/fcm/send/${login}-${n}`;
  return {
    id: subscriptionId(endpoint),
    login,
    endpoint,
    keys: { p256dh: 'B'.repeat(87), auth: 'A'.repeat(22) },
    createdAt: new Date(0).toISOString(),
    device: 'phone',
  };
};

test('subscriptions survive a restart in a mode-600 file; a login keeps its newest devices', () => {
  const dir = tempDir('vigil-push-store-');
  const { log } = captureLogger();
  const a = new SubscriptionStore(dir, log);
  for (let i = 0; i < 4; i++) a.put(sub('ann', i), 3);
  a.put(sub('bob', 0), 3);
  const b = new SubscriptionStore(dir, log);
  expect(b.all().map((s) => s.endpoint.split('/').pop())).toEqual([
    'ann-1',
    'ann-2',
    'ann-3',
    'bob-0',
  ]);
  expect(statSync(b.file).mode & 0o777).toBe(0o600);
  expect(b.remove((s) => s.login === 'ann')).toBe(3);
  expect(new SubscriptionStore(dir, log).all()).toHaveLength(1);
});

test.each([
  ['not JSON', '{"version":1,"subscr'],
  ['a wrong shape', '{"version":1,"subscriptions":[{"id":"x"}]}'],
  ['a future version', '{"version":2,"subscriptions":[]}'],
  ['null', 'null'],
])(
  'a corrupt subscriptions file (%s) is moved aside with a code, the store starts empty',
  (_n, text) => {
    const dir = tempDir('vigil-push-corrupt-');
    mkdirSync(path.join(dir, 'push'));
    writeFileSync(path.join(dir, 'push', 'subscriptions.json'), text);
    const { log, lines } = captureLogger();
    const s = new SubscriptionStore(dir, log, 1234);
    expect(s.all()).toEqual([]);
    expect(readFileSync(path.join(dir, 'push', 'subscriptions.json.corrupt-1234'), 'utf8')).toBe(
      text,
    );
    expect(lines().some((l) => l.code === 'VIGIL_ERR_PUSH_STORE_CORRUPT')).toBe(true);
    s.put(sub('ann', 0), 10);
    expect(new SubscriptionStore(dir, log).all()).toHaveLength(1);
  },
);

test('VAPID keys are made once (mode 600) and kept; a corrupt key file is replaced, not fatal', () => {
  const dir = tempDir('vigil-vapid-');
  const { log, lines } = captureLogger();
  const first = loadOrCreateVapid(dir, log);
  const file = path.join(dir, 'push', 'vapid.json');
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(Buffer.from(first.publicKey, 'base64url')).toHaveLength(65);
  expect(loadOrCreateVapid(dir, log).publicKey).toBe(first.publicKey);
  writeFileSync(file, '{"version":1,"jwk":{"crv":"P-256","d":"nope"}}');
  const again = loadOrCreateVapid(dir, log, 99);
  expect(again.publicKey).not.toBe(first.publicKey);
  expect(existsSync(`${file}.corrupt-99`)).toBe(true);
  expect(lines().some((l) => l.code === 'VIGIL_ERR_PUSH_STORE_CORRUPT')).toBe(true);
  expect(readdirSync(path.join(dir, 'push')).sort()).toEqual([
    'vapid.json',
    'vapid.json.corrupt-99',
  ]);
});

test('the VAPID header names the push service origin and expires within 24 h', () => {
  const { log } = captureLogger();
  const keys = loadOrCreateVapid(tempDir('vigil-vapid-jwt-'), log);
  const now = Date.UTC(2026, 0, 1);
  const h = vapidAuthorization(
    keys,
    'https://fcm.googleapis.com/fcm/send/abc',
    'mailto:a@b.c',
    now,
  );
  const m = /^vapid t=([^.]+)\.([^.]+)\.([^,]+), k=(.+)$/.exec(h)!;
  const claims = JSON.parse(Buffer.from(m[2]!, 'base64url').toString());
  expect(claims).toEqual({
    aud: 'https://fcm.googleapis.com',
    exp: now / 1000 + 12 * 3600,
    sub: 'mailto:a@b.c',
  });
  expect(Buffer.from(m[3]!, 'base64url')).toHaveLength(64);
  expect(m[4]).toBe(keys.publicKey);
});
