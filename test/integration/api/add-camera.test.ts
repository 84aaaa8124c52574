import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { buildApi } from '../../../services/api/server';
import type { ApiServer } from '../../../services/api/api-context';
import { newApiToken } from '../../../services/api/auth';
import type { ApiToken } from '../../../services/api/auth';
import { ConfigStore } from '../../../services/config/config-store';
import type { ConfigChange } from '../../../services/config/config-store';
import { testApiContext } from '../../helpers/api-context';
import { captureLogger } from '../../helpers/logger';
import { tempDir } from '../../helpers/media';

const admin = newApiToken();
const clerk = newApiToken();
const TOKENS: ApiToken[] = [
  { name: 'ops', role: 'admin', id: admin.id, scrypt: admin.scrypt },
  { name: 'ann', role: 'clerk', id: clerk.id, scrypt: clerk.scrypt },
];
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0, 0xff, 0xd9]);

/**
 * POST /api/cameras (add a camera by its stream URL, typed body) and POST /api/cameras/still (the
 * form's Test) on the real API and config store: admin only, If-Match, validated bodies.
 */
describe('add a camera by URL over the API', () => {
  let app: ApiServer;
  let base: string;
  let file: string;
  const applied: ConfigChange[] = [];
  const grabbed: string[] = [];

  beforeAll(async () => {
    const dir = tempDir('vigil-add-camera-');
    file = path.join(dir, 'site.yaml');
    writeFileSync(
      file,
      `# the site's own comment\n${stringify({
        api: { tokens: TOKENS },
        cameras: [{ id: 'square', source: { url: 'rtsp://10.0.0.5/s1' } }],
      })}`,
    );
    const { log } = captureLogger('warn');
    app = buildApi(
      testApiContext({
        tokens: () => TOKENS,
        configStore: new ConfigStore(file, {}),
        applyConfig: async (_v, change) => void applied.push(change),
        grabStill: async (url) => {
          grabbed.push(url);
          return JPEG;
        },
      }),
      log,
    );
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => app.close());

  const call = async (
    route: string,
    token: string,
    body: unknown,
    ifMatch?: string,
  ): Promise<{ status: number; body: Record<string, unknown> | Buffer; type: string }> => {
    const r = await fetch(`${base}${route}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(ifMatch ? { 'if-match': ifMatch } : {}),
      },
      body: JSON.stringify(body),
    });
    const type = r.headers.get('content-type') ?? '';
    return {
      status: r.status,
      type,
      body: type.includes('json')
        ? ((await r.json()) as Record<string, unknown>)
        : Buffer.from(await r.arrayBuffer()),
    };
  };
  const etag = async () =>
    (
      await fetch(`${base}/api/config`, { headers: { authorization: `Bearer ${admin.token}` } })
    ).headers.get('etag')!;
  const ids = () =>
    (parse(readFileSync(file, 'utf8')) as { cameras: { id: string }[] }).cameras.map((c) => c.id);
  const good = { id: 'till-1', name: 'Till 1', url: 'rtsp://10.0.0.9/sub' };

  test.each([
    ['no url', { id: 'till-1' }],
    ['a file URL', { id: 'till-1', url: 'file:///etc/passwd' }],
    ['a URL with a space', { id: 'till-1', url: 'rtsp://10.0.0.9/a b' }],
    ['an id with capitals', { id: 'Till', url: 'rtsp://10.0.0.9/sub' }],
    ['an unknown field', { ...good, zones: [] }],
    ['a user name without a password', { ...good, username: 'admin' }],
    ['a number for the URL', { id: 'till-1', url: 5 }],
  ])('400 with a coded error for %s; nothing saved', async (_what, body) => {
    const r = await call('/api/cameras', admin.token, body, await etag());
    expect(r.status).toBe(400);
    expect((r.body as { code: string }).code).toBe('VIGIL_ERR_REQUEST_INVALID');
    expect(ids()).toEqual(['square']);
  });

  test('403 for a clerk, on adding and on testing a URL; nothing saved, nothing grabbed', async () => {
    const add = await call('/api/cameras', clerk.token, good, await etag());
    expect(add.status).toBe(403);
    expect((add.body as { code: string }).code).toBe('VIGIL_ERR_FORBIDDEN');
    const still = await call('/api/cameras/still', clerk.token, { url: good.url });
    expect(still.status).toBe(403);
    expect(ids()).toEqual(['square']);
    expect(grabbed).toEqual([]);
  });

  test('412 on a stale If-Match, 428 without one; the file is untouched', async () => {
    const stale = await etag();
    writeFileSync(file, readFileSync(file, 'utf8').replace('10.0.0.5', '10.0.0.50'));
    const r = await call('/api/cameras', admin.token, good, stale);
    expect(r.status).toBe(412);
    expect((r.body as { code: string }).code).toBe('VIGIL_ERR_PRECONDITION_FAILED');
    const none = await call('/api/cameras', admin.token, good);
    expect(none.status).toBe(428);
    expect(ids()).toEqual(['square']);
  });

  test('an admin adds it: dry run saves nothing; then saved with its login, applied live, comments kept; the same id again is 409', async () => {
    const dry = await call('/api/cameras?dryRun=true', admin.token, good, await etag());
    expect(dry.status).toBe(200);
    expect(ids()).toEqual(['square']);
    const before = applied.length;
    const body = { ...good, username: 'view', password: 'p@ss:w' };
    const r = await call('/api/cameras', admin.token, body, await etag());
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ dryRun: false, camera: { id: 'till-1', name: 'Till 1' } });
    expect(ids()).toEqual(['square', 'till-1']);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain("# the site's own comment");
    expect(text).toContain('rtsp://view:p%40ss%3Aw@10.0.0.9/sub');
    expect(applied.length).toBe(before + 1);
    expect(applied.at(-1)!.cameras).toEqual([expect.objectContaining({ id: 'till-1' })]);
    const again = await call('/api/cameras', admin.token, good, await etag());
    expect(again.status).toBe(409);
    expect((again.body as { code: string }).code).toBe('VIGIL_ERR_CAMERA_EXISTS');
  });

  test("Test: the still comes back as JPEG, grabbed from the URL with the form's login", async () => {
    const r = await call('/api/cameras/still', admin.token, {
      url: 'rtsp://10.0.0.9/sub',
      username: 'view',
      password: 'pw',
    });
    expect(r.status).toBe(200);
    expect(r.type).toBe('image/jpeg');
    expect(r.body).toEqual(JPEG);
    expect(grabbed.at(-1)).toBe('rtsp://view:pw@10.0.0.9/sub');
    const bad = await call('/api/cameras/still', admin.token, { url: 'file:///etc/passwd' });
    expect(bad.status).toBe(400);
  });

  test('OpenAPI documents the typed body of POST /api/cameras', async () => {
    const r = await fetch(`${base}/api/openapi.json`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    const doc = (await r.json()) as {
      paths: Record<
        string,
        {
          post?: {
            description?: string;
            requestBody?: { content: Record<string, unknown> };
            responses: Record<string, unknown>;
          };
        }
      >;
    };
    const post = doc.paths['/api/cameras']?.post;
    const schema = JSON.stringify(post?.requestBody ?? {});
    for (const field of ['"id"', '"url"', '"username"', '"password"'])
      expect(schema).toContain(field);
    expect(post?.description).toContain('If-Match');
    expect(Object.keys(post?.responses ?? {})).toEqual(expect.arrayContaining(['200', '4XX']));
    expect(Object.keys(doc.paths['/api/cameras/still']?.post?.responses ?? {})).toContain('200');
  });
});
