import { createECDH, randomBytes } from 'node:crypto';
import type { ApiToken } from '../../../services/api/auth';
import { parseConfig } from '../../../services/config/load';
import { ManualClock } from '../../../services/core/clock';
import { VigilError } from '../../../services/core/errors';
import { PushService } from '../../../services/push/push-service';
import type { PushRequest, PushResponse } from '../../../services/push/push-transport';
import { SubscriptionStore } from '../../../services/push/subscription-store';
import { loadOrCreateVapid } from '../../../services/push/vapid';
import { captureLogger } from '../../helpers/logger';
import { tempDir } from '../../helpers/media';

const keys = () => {
  const e = createECDH('prime256v1');
  e.generateKeys();
  return {
    p256dh: e.getPublicKey().toString('base64url'),
    auth: randomBytes(16).toString('base64url'),
  };
};
const tok = (name: string, role: ApiToken['role']): ApiToken => ({
  name,
  role,
  sha256: '0'.repeat(64),
});

function setup(answer: (r: PushRequest) => Promise<PushResponse>, pushOver: object = {}) {
  const dir = tempDir('vigil-push-svc-');
  const { log, lines } = captureLogger();
  let tokens = [tok('ann', 'clerk'), tok('vic', 'viewer'), tok('boss', 'admin')];
  const config = parseConfig({
    dataDir: dir,
    push: { allowLoopbackHttp: true, ...pushOver },
    cameras: [{ id: 'cam', source: { url: 'rtsp://127.0.0.1/x' } }],
  });
  const sent: PushRequest[] = [];
  const svc = new PushService({
    store: new SubscriptionStore(dir, log),
    vapid: loadOrCreateVapid(dir, log),
    transport: (r) => {
      sent.push(r);
      return answer(r);
    },
    tokens: () => tokens,
    settings: () => config.push,
    clock: new ManualClock(Date.UTC(2026, 0, 1)),
    log,
  });
  const device = (login: string, name: string) =>
    svc.subscribe(login, { endpoint: `http://127.0.0.1:9/push/${name}`, keys: keys() });
  return {
    svc,
    sent,
    lines,
    device,
    revoke: (n: string) => (tokens = tokens.filter((t) => t.name !== n)),
  };
}

const ok = async () => ({ status: 201, text: '' });

test.each([
  [
    'clerks and admins, not viewers',
    {},
    { logins: [], roles: ['viewer', 'clerk', 'admin'] },
    ['ann', 'boss'],
  ],
  [
    'viewers too with push.viewers',
    { viewers: true },
    { logins: [], roles: ['viewer', 'clerk', 'admin'] },
    ['ann', 'boss', 'vic'],
  ],
  ['a role only', {}, { logins: [], roles: ['admin'] }, ['boss']],
  ['a named login whatever its role', {}, { logins: ['vic'], roles: ['admin'] }, ['boss', 'vic']],
] as const)('recipients: %s', async (_n, over, target, logins) => {
  const s = setup(ok, over);
  for (const l of ['ann', 'vic', 'boss']) s.device(l, l);
  expect(s.svc.notify({ hi: 1 }, { logins: [...target.logins], roles: [...target.roles] })).toBe(
    logins.length,
  );
  await s.svc.drain();
  expect(s.sent.map((r) => r.endpoint.pathname.split('/').pop()).sort()).toEqual(logins);
  expect(s.sent[0]!.headers).toMatchObject({
    urgency: 'high',
    ttl: '600',
    'content-encoding': 'aes128gcm',
  });
});

test('a revoked token loses its devices at the next push', async () => {
  const s = setup(ok);
  s.device('ann', 'a1');
  s.device('boss', 'b1');
  s.revoke('ann');
  s.svc.notify({}, { logins: ['ann'], roles: ['clerk', 'admin'] });
  await s.svc.drain();
  expect(s.sent).toHaveLength(1);
  expect(s.svc.devices('ann')).toEqual([]);
});

test('404 and 410 drop the device; 500, a timeout or a refused endpoint are counted and logged with a code', async () => {
  const answers: Record<string, () => Promise<PushResponse>> = {
    gone: async () => ({ status: 410, text: '' }),
    missing: async () => ({ status: 404, text: '' }),
    broken: async () => ({ status: 500, text: 'oops' }),
    slow: async () => {
      throw new VigilError('VIGIL_ERR_PUSH_FAILED', 'no answer within 10000 ms');
    },
  };
  const s = setup((r) => answers[r.endpoint.pathname.split('/').pop()!]!());
  for (const n of Object.keys(answers)) s.device('ann', n);
  s.svc.notify({}, { logins: ['ann'], roles: [] });
  await s.svc.drain();
  expect(s.svc.counts).toEqual({ sent: 0, failed: 2, dropped: 0, gone: 2 });
  expect(
    s.svc
      .devices('ann')
      .map((d) => d.endpoint.split('/').pop())
      .sort(),
  ).toEqual(['broken', 'slow']);
  const errs = s.lines().filter((l) => l.code === 'VIGIL_ERR_PUSH_FAILED');
  expect(errs).toHaveLength(2);
  // The endpoint (a capability) never reaches the log: its origin does.
  expect(JSON.stringify(s.lines())).not.toContain('/push/broken');
});

test('the queue is bounded: with the push service stuck, the oldest waiting pushes are dropped and counted', async () => {
  const release: (() => void)[] = [];
  const s = setup(() => new Promise((r) => release.push(() => r({ status: 201, text: '' }))), {
    queueMax: 2,
  });
  s.device('ann', 'a');
  for (let i = 0; i < 9; i++) expect(s.svc.notify({ i }, { logins: ['ann'], roles: [] })).toBe(1);
  // 4 in flight, 2 waiting, 3 dropped; notify never waited.
  expect(s.svc.depth).toBe(2);
  expect(s.svc.counts.dropped).toBe(3);
  expect(s.lines().filter((l) => l.code === 'VIGIL_ERR_PUSH_QUEUE_FULL')).toHaveLength(3);
  while (release.length) {
    release.shift()!();
    await new Promise((r) => setImmediate(r));
  }
  await s.svc.drain();
  expect(s.svc.counts.sent).toBe(6);
});

test('subscribe refuses an endpoint outside the push services and malformed keys', () => {
  const s = setup(ok, { allowLoopbackHttp: false });
  expect(() =>
    s.svc.subscribe('ann', { endpoint: 'http://127.0.0.1:9/push/x', keys: keys() }),
  ).toThrow(expect.objectContaining({ code: 'VIGIL_ERR_PUSH_ENDPOINT_REFUSED' }));
  expect(() =>
    s.svc.subscribe('ann', {
      endpoint: 'https://fcm.googleapis.com/fcm/send/x',
      keys: { p256dh: 'AAAA', auth: 'AAAA' },
    }),
  ).toThrow(expect.objectContaining({ code: 'VIGIL_ERR_REQUEST_INVALID' }));
  expect(s.svc.devices('ann')).toEqual([]);
});
