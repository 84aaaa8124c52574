import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { LiveEvents } from '../../../services/alerts/live-events';
import { MAX_STREAMS_PER_LOGIN } from '../../../services/api/routes/events';
import { buildApi } from '../../../services/api/server';
import type { ApiContext, ApiServer } from '../../../services/api/api-context';
import { newApiToken } from '../../../services/api/auth';
import type { ApiToken } from '../../../services/api/auth';
import { ConfigStore } from '../../../services/config/config-store';
import { sha256Hex } from '../../../services/core/hashing';
import { testApiContext } from '../../helpers/api-context';
import { captureLogger } from '../../helpers/logger';
import { tempDir } from '../../helpers/media';

const admin = newApiToken();
const viewer = newApiToken();
const clerk = newApiToken();
const TOKENS: ApiToken[] = [
  { name: 'ops', role: 'admin', id: admin.id, scrypt: admin.scrypt },
  { name: 'screen', role: 'viewer', id: viewer.id, scrypt: viewer.scrypt },
  { name: 'ann', role: 'clerk', id: clerk.id, scrypt: clerk.scrypt },
  { name: 'old', role: 'viewer', sha256: sha256Hex('legacy-viewer-token') },
];
const MQTT_HASH = 'a'.repeat(64);

async function serve(over: Partial<ApiContext>) {
  const { log, lines } = captureLogger('debug');
  const app: ApiServer = buildApi(testApiContext({ tokens: () => TOKENS, ...over }), log);
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const get = (url: string, token?: string, signal?: AbortSignal) =>
    fetch(`${base}${url}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal,
    });
  return { app, get, lines };
}

test('GET /api/config: an admin gets the hashes it round-trips, a viewer or clerk gets no hash, password, credential or key path', async () => {
  const dir = tempDir('vigil-access-');
  const file = path.join(dir, 'site.yaml');
  writeFileSync(path.join(dir, 'key.pem'), 'not a real key');
  writeFileSync(path.join(dir, 'cert.pem'), 'not a real cert');
  writeFileSync(
    file,
    stringify({
      api: { tokens: TOKENS },
      mqtt: {
        url: 'embedded',
        password: 'mqtt-password-secret',
        embeddedCertFile: 'cert.pem',
        embeddedKeyFile: 'key.pem',
        users: [{ name: 'till', role: 'clerk', sha256: MQTT_HASH }],
      },
      cameras: [{ id: 'a', source: { url: 'rtsp://admin:camera-secret@10.0.0.5/s1' } }],
    }),
  );
  const { app, get } = await serve({ configStore: new ConfigStore(file, {}) });
  try {
    const secrets = [
      'mqtt-password-secret',
      'camera-secret',
      MQTT_HASH,
      admin.scrypt,
      viewer.scrypt,
      sha256Hex('legacy-viewer-token'),
      'key.pem',
    ];
    for (const token of [viewer.token, clerk.token, 'legacy-viewer-token']) {
      const r = await get('/api/config', token);
      expect(r.status).toBe(200);
      const text = await r.text();
      expect(secrets.filter((s) => text.includes(s))).toEqual([]);
      const body = JSON.parse(text) as { config: { api: { tokens: ApiToken[] } } };
      expect(body.config.api.tokens.map((t) => t.name)).toEqual(['ops', 'screen', 'ann', 'old']);
    }
    const full = await (await get('/api/config', admin.token)).text();
    expect([admin.scrypt, MQTT_HASH, 'key.pem'].filter((s) => !full.includes(s))).toEqual([]);
    expect(full).not.toContain('mqtt-password-secret');
    expect(full).not.toContain('camera-secret');
  } finally {
    await app.close();
  }
});

test(`live channels: a login holds at most ${MAX_STREAMS_PER_LOGIN}; a clerk still gets one while a viewer holds its most`, async () => {
  const live = new LiveEvents();
  const { app, get } = await serve({
    clerk: { live } as unknown as ApiContext['clerk'],
    rateLimitPerMinute: 10_000,
  });
  const abort = new AbortController();
  try {
    const mine = [];
    for (let i = 0; i < MAX_STREAMS_PER_LOGIN; i++)
      mine.push(await get('/api/events', viewer.token, abort.signal));
    expect(mine.map((r) => r.status)).toEqual(Array(MAX_STREAMS_PER_LOGIN).fill(200));
    const more = await get('/api/events', viewer.token, abort.signal);
    expect(more.status).toBe(429);
    expect(await more.json()).toMatchObject({ code: 'VIGIL_ERR_RATE_LIMITED' });
    const clerks = await get('/api/events', clerk.token, abort.signal);
    expect(clerks.status).toBe(200);
    // A channel closed gives the login its place back.
    await mine[0]!.body!.cancel();
    let again: Response | undefined;
    for (let i = 0; i < 100 && again?.status !== 200; i++) {
      again = await get('/api/events', viewer.token, abort.signal);
      if (again.status !== 200) await new Promise((r) => setTimeout(r, 20));
    }
    expect(again!.status).toBe(200);
  } finally {
    abort.abort();
    await app.close();
  }
});

test("an API flood from one address: the address gets 429, the console's page and files still load, a login at that address still works", async () => {
  const { app, get } = await serve({ rateLimitPerMinute: 20 });
  try {
    const flood = [];
    for (let i = 0; i < 40; i++) flood.push((await get('/api/cameras')).status);
    expect(flood.filter((s) => s === 429).length).toBeGreaterThanOrEqual(20);
    expect((await get('/api/cameras', 'vgl_nosuchid_guess')).status).toBe(429);
    // The console: its page and files have a budget of their own.
    for (const url of ['/', '/console/style.css', '/console/app.js'])
      expect([url, (await get(url)).status]).toEqual([url, 200]);
    // Logins are limited by name, not by the flooded address (new form and legacy alike).
    expect((await get('/api/cameras', clerk.token)).status).toBe(200);
    expect((await get('/api/cameras', 'legacy-viewer-token')).status).toBe(200);
    // Each login has its own budget: one exhausting its own leaves the others theirs.
    const mine = [];
    for (let i = 0; i < 30; i++) mine.push((await get('/api/cameras', viewer.token)).status);
    expect(mine).toContain(429);
    expect((await get('/api/cameras', clerk.token)).status).toBe(200);
  } finally {
    await app.close();
  }
});

test('legacy sha256 tokens are named in a warning when the API starts', async () => {
  const { app, lines } = await serve({});
  try {
    expect(
      lines().find((l) => l.level === 40 && /legacy sha256/.test(String(l.msg))),
    ).toMatchObject({ tokens: ['old'] });
  } finally {
    await app.close();
  }
});
