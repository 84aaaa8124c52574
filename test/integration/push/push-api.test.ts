import { execFileSync } from 'node:child_process';
import { buildApi } from '../../../services/api/server';
import { makeLocalCa } from '../../../services/api/local-ca';
import { plainHttpOnLan } from '../../../services/api/tls-warning';
import { parseConfig } from '../../../services/config/load';
import { captureLogger } from '../../helpers/logger';
import { tempDir } from '../../helpers/media';
import { startPushReceiver } from '../../helpers/push-receiver';
import { startPushSite } from '../../helpers/push-site';
import { ruleEvent } from '../../helpers/events';
import { testApiContext } from '../../helpers/api-context';
import { requireComponent } from '../../helpers/require-component';
import { existsSync, statSync } from 'node:fs';

test('the push routes: key, subscribe (SSRF refused), list, delete, crop, answer times', async () => {
  const { log } = captureLogger('info');
  const site = await startPushSite(log);
  const r = await startPushReceiver();
  const api = buildApi(
    testApiContext({
      tokens: () => site.config.api.tokens,
      push: site.push,
      answerTimes: site.answerTimes,
      history: site.alerts.history,
      dataDir: site.dataDir,
    }),
    log,
  );
  const call = async (method: string, url: string, token: string, payload?: unknown) => {
    const res = await api.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
    return {
      status: res.statusCode,
      body: res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {},
    };
  };
  try {
    const key = await call('GET', '/api/push/vapid-public-key', 'vic-token');
    expect(key).toEqual({ status: 200, body: { publicKey: site.push.publicKey } });
    const sub = r.subscribe('ann-phone');
    const made = await call('POST', '/api/push/subscriptions', 'ann-token', {
      endpoint: sub.endpoint,
      keys: sub.keys,
      expirationTime: null,
    });
    expect(made.status).toBe(201);
    for (const endpoint of [
      'http://192.168.1.1/admin',
      'https://169.254.169.254/latest',
      'https://evil.example/x',
    ])
      expect(
        await call('POST', '/api/push/subscriptions', 'ann-token', { endpoint, keys: sub.keys }),
      ).toMatchObject({
        status: 422,
        body: { code: 'VIGIL_ERR_PUSH_ENDPOINT_REFUSED' },
      });
    expect(
      (
        await call('POST', '/api/push/subscriptions', 'ann-token', {
          endpoint: sub.endpoint,
          keys: { p256dh: 'x', auth: 'y' },
        })
      ).status,
    ).toBe(400);
    expect((await call('GET', '/api/push/subscriptions', 'ann-token')).body.subscriptions).toEqual([
      expect.objectContaining({ id: made.body.id, origin: r.origin }),
    ]);
    // Another login neither sees nor deletes ann's device.
    expect((await call('GET', '/api/push/subscriptions', 'boss-token')).body.subscriptions).toEqual(
      [],
    );
    expect(
      (await call('DELETE', `/api/push/subscriptions/${made.body.id}`, 'boss-token')).status,
    ).toBe(404);
    expect(
      (await call('DELETE', `/api/push/subscriptions/${made.body.id}`, 'ann-token')).status,
    ).toBe(204);
    expect(site.push.devices('ann')).toEqual([]);

    const now = Date.now();
    const [start] = await site.alerts.dispatcher.dispatch(
      { id: 'cam', name: 'Cam', width: 320, height: 240 },
      {
        camera: 'cam',
        index: 0,
        timestampMs: now,
        width: 320,
        height: 240,
        rgb: Buffer.alloc(320 * 240 * 3),
      },
      [],
      [ruleEvent('start', { startedAtMs: now - 31_000, atMs: now })],
    );
    const crop = await api.inject({
      url: `/api/alerts/${start!.id}/crop`,
      headers: { authorization: 'Bearer vic-token' },
    });
    expect(crop.statusCode).toBe(200);
    expect(crop.headers['content-type']).toBe('image/jpeg');
    expect(crop.rawPayload.subarray(0, 2).toString('hex')).toBe('ffd8');
    expect(
      (await call('GET', '/api/alerts/00000000-0000-4000-8000-000000000000/crop', 'vic-token'))
        .status,
    ).toBe(404);
    await site.alerts.answer(start!.id, 'ack', {}, 'ann');
    expect((await call('GET', '/api/answer-times', 'vic-token')).body.rows).toEqual([
      expect.objectContaining({ camera: 'cam', rule: 'loitering', answered: 1 }),
    ]);
  } finally {
    await api.close();
    await r.close();
    await site.stop();
  }
});

test.each([
  ['loopback over HTTP', { host: '127.0.0.1' }, false],
  ['the LAN over HTTP', { host: '0.0.0.0' }, true],
  ['the LAN over HTTPS', { host: '0.0.0.0', tlsCertFile: 'c.pem', tlsKeyFile: 'k.pem' }, false],
  ['the LAN behind a TLS proxy', { host: '0.0.0.0', behindTlsProxy: true }, false],
])('a warning at start for the console on %s: %s', (_n, api, warn) => {
  const c = parseConfig({ api, cameras: [{ id: 'c', source: { url: 'rtsp://127.0.0.1/x' } }] }, {});
  expect(plainHttpOnLan(c.api)).toBe(warn);
});

(requireComponent(
  'the local CA test',
  existsSync('/usr/bin/openssl') ? undefined : '/usr/bin/openssl',
  'apt-get install openssl',
)
  ? test
  : test.skip)(
  'npm run token -- cert: a CA and a server certificate for the names, keys mode 600, the CA kept',
  () => {
    const dir = tempDir('vigil-ca-');
    const a = makeLocalCa(dir, ['localhost', '127.0.0.1', 'till-box.local', '192.168.1.20']);
    const verify = execFileSync('openssl', ['verify', '-CAfile', a.caCert, a.cert]).toString();
    expect(verify).toContain('OK');
    const text = execFileSync('openssl', ['x509', '-in', a.cert, '-noout', '-text']).toString();
    expect(text).toMatch(
      /DNS:localhost, IP Address:127.0.0.1, DNS:till-box.local, IP Address:192.168.1.20/,
    );
    expect(text).toContain('TLS Web Server Authentication');
    expect(statSync(a.key).mode & 0o777).toBe(0o600);
    expect(statSync(a.caKey).mode & 0o777).toBe(0o600);
    const caBefore = execFileSync('openssl', [
      'x509',
      '-in',
      a.caCert,
      '-noout',
      '-fingerprint',
    ]).toString();
    makeLocalCa(dir, ['localhost']);
    expect(
      execFileSync('openssl', ['x509', '-in', a.caCert, '-noout', '-fingerprint']).toString(),
    ).toBe(caBefore);
    expect(() => makeLocalCa(dir, ['bad name; rm -rf /'])).toThrow(/bad name/);
  },
);
