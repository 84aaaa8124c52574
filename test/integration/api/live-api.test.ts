import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { VigilApp } from '../../../services/app';
import { sha256Hex } from '../../../services/core/hashing';
import { loadConfigFile } from '../../../services/config/load';
import { captureLogger } from '../../helpers/logger';
import { tempDir, vtestClip } from '../../helpers/media';
import { freePort } from '../../helpers/ports';
import { waitFor } from '../../helpers/wait';
import { malformedRequests } from '../../helpers/malformed-requests';

const ADMIN = 'admin-token-0123';

/** This process's ffmpeg children (the cameras' analysis ffmpeg), from /proc via ps. */
function ffmpegChildren(): string[] {
  const out = execFileSync('ps', ['--ppid', String(process.pid), '-o', 'comm=,args='], {
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^ffmpeg\s/.test(l));
}
const VIEWER = 'viewer-token-4567';
const SECRETS = ['hunter2-mqtt-secret', 'cam-password-secret', ADMIN, VIEWER];

/**
 * The API on a real daemon (in process) with two cameras streaming real footage: security,
 * validation of 100+ malformed requests, a live zone change that only the changed camera
 * notices, and Prometheus metrics.
 */
describe('integrator API on a running daemon', () => {
  const dir = tempDir('vigil-api-');
  const file = path.join(dir, 'site.yaml');
  const { log, lines } = captureLogger('debug');
  let app: VigilApp;
  let base: string;
  const bodies: string[] = [];

  const call = async (
    method: string,
    url: string,
    opts: { token?: string; body?: string; headers?: Record<string, string> } = {},
  ) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined && !headers['content-type'])
      headers['content-type'] = 'application/json';
    const r = await fetch(`${base}${url}`, { method, headers, body: opts.body });
    const text = await r.text();
    bodies.push(text);
    let json: {
      code?: string;
      message?: string;
      etag?: string;
      details?: { path: string }[];
      [k: string]: unknown;
    } = {};
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      json = {};
    }
    return { status: r.status, json, text, etag: r.headers.get('etag') ?? undefined };
  };

  beforeAll(async () => {
    const clip = vtestClip(0, 120, dir);
    const zone = (dwellSeconds: number) => ({
      id: 'door',
      name: 'Door',
      polygon: [
        [0.1, 0.1],
        [0.5, 0.1],
        [0.5, 0.5],
        [0.1, 0.5],
      ],
      loitering: { dwellSeconds },
    });
    const cam = (id: string) => ({
      id,
      source: { url: clip, loop: true, realtime: true },
      analysis: { fps: 5, width: 384, height: 288 },
      zones: [zone(20)],
    });
    writeFileSync(
      file,
      stringify({
        logLevel: 'debug',
        dataDir: path.join(dir, 'data'),
        api: {
          host: '127.0.0.1',
          port: 0,
          tokens: [
            { name: 'ops', role: 'admin', sha256: sha256Hex(ADMIN) },
            { name: 'screen', role: 'viewer', sha256: sha256Hex(VIEWER) },
          ],
        },
        mqtt: { url: 'embedded', embeddedPort: await freePort(), password: SECRETS[0] },
        inference: { strategy: 'full', inputWidth: 256, inputHeight: 192 },
        cameras: [
          cam('a'),
          cam('b'),
          {
            id: 'c',
            enabled: false,
            source: { url: `rtsp://admin:${SECRETS[1]}@127.0.0.1:9/stream` },
          },
        ],
      }),
    );
    app = new VigilApp(loadConfigFile(file), log, { configFile: file });
    base = (await app.start()).api!;
    await waitFor(
      'both cameras streaming',
      () => app.cameras.every((c) => c.status().framesAnalysed > 2),
      30_000,
      100,
    );
  }, 60_000);

  afterAll(() => app?.stop());

  test('no token: 401; viewer writing: 403; missing If-Match: 428; stale ETag: 412', async () => {
    expect(await call('GET', '/api/cameras')).toMatchObject({
      status: 401,
      json: { code: 'VIGIL_ERR_UNAUTHORIZED' },
    });
    expect(await call('GET', '/api/cameras', { token: 'wrong' })).toMatchObject({ status: 401 });
    expect((await call('GET', '/healthz')).status).toBe(200);
    const cfg = await call('GET', '/api/config', { token: VIEWER });
    expect(cfg.status).toBe(200);
    const body = JSON.stringify({ zones: [] });
    expect(
      await call('PUT', '/api/cameras/a/zones', {
        token: VIEWER,
        body,
        headers: { 'if-match': cfg.etag! },
      }),
    ).toMatchObject({ status: 403, json: { code: 'VIGIL_ERR_FORBIDDEN' } });
    expect(await call('PUT', '/api/cameras/a/zones', { token: ADMIN, body })).toMatchObject({
      status: 428,
      json: { code: 'VIGIL_ERR_PRECONDITION_REQUIRED' },
    });
    expect(
      await call('PUT', '/api/cameras/a/zones', {
        token: ADMIN,
        body,
        headers: { 'if-match': '"stale"' },
      }),
    ).toMatchObject({ status: 412, json: { code: 'VIGIL_ERR_PRECONDITION_FAILED' } });
  });

  test('a matrix of 100+ malformed requests: each a 4xx with a stable code naming the field; the config is untouched', async () => {
    const before = readFileSync(file, 'utf8');
    const etag = (await call('GET', '/api/config', { token: ADMIN })).etag!;
    const cases = malformedRequests(etag);
    expect(cases.length).toBeGreaterThanOrEqual(100);
    const failures: string[] = [];
    for (const c of cases) {
      const r = await call(c.method, c.url, {
        token: c.token === 'none' ? undefined : c.token === 'viewer' ? VIEWER : ADMIN,
        body: c.body,
        headers: c.headers,
      });
      const said = `${r.json.message ?? ''} ${JSON.stringify(r.json.details ?? [])}`;
      const wrong =
        r.status < 400 || r.status >= 500
          ? `status ${r.status}`
          : !/^VIGIL_ERR_[A-Z_]+$/.test(r.json.code ?? '')
            ? 'no stable code'
            : c.code && r.json.code !== c.code
              ? `code ${r.json.code}, expected ${c.code}`
              : c.field && !said.includes(c.field)
                ? `message does not name "${c.field}"`
                : undefined;
      if (wrong) failures.push(`${c.name}: ${wrong}: ${r.text.slice(0, 160)}`);
    }
    expect(failures).toEqual([]);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect((await call('GET', '/api/config', { token: ADMIN })).etag).toBe(etag);
    expect((await call('GET', '/healthz')).status).toBe(200);
  }, 60_000);

  test("changing one camera's zone: applied on its next frame, dry run first, rollback after; the other camera never pauses", async () => {
    const b = () => app.cameras.find((c) => c.config.id === 'b')!.status().framesIn;
    const a = () => app.cameras.find((c) => c.config.id === 'a')!;
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(b()), 100);
    const { etag } = await call('GET', '/api/config', { token: ADMIN });
    const zones = [
      {
        id: 'door',
        name: 'Door',
        polygon: [
          [0.1, 0.1],
          [0.6, 0.1],
          [0.6, 0.6],
          [0.1, 0.6],
        ],
        loitering: { dwellSeconds: 7 },
      },
    ];
    const dry = await call('PUT', '/api/cameras/a/zones?dryRun=true', {
      token: ADMIN,
      body: JSON.stringify({ zones }),
      headers: { 'if-match': etag! },
    });
    expect(dry).toMatchObject({
      status: 200,
      json: {
        dryRun: true,
        change: { cameras: [{ id: 'a', change: 'zones' }], restartRequired: [] },
      },
    });
    expect(a().zones[0]!.loitering.dwellSeconds).toBe(20);
    const framesBefore = a().status().framesAnalysed;
    const put = await call('PUT', '/api/cameras/a/zones', {
      token: ADMIN,
      body: JSON.stringify({ zones }),
      headers: { 'if-match': etag! },
    });
    expect(put).toMatchObject({
      status: 200,
      json: { dryRun: false, change: { cameras: [{ id: 'a', change: 'zones' }] } },
    });
    expect(put.etag).not.toBe(etag);
    // Applied before the answer: the next analysed frame of camera a uses dwellSeconds 7.
    expect(a().zones[0]!.loitering.dwellSeconds).toBe(7);
    expect(a().zones[0]!.polygon[1]!.x).toBeCloseTo(0.6 * 384);
    await waitFor(
      'camera a analysing on',
      () => a().status().framesAnalysed > framesBefore + 2,
      10_000,
    );
    expect(loadConfigFile(file).cameras[0]!.zones[0]!.loitering.dwellSeconds).toBe(7);
    const rb = await call('POST', '/api/config/rollback', {
      token: ADMIN,
      headers: { 'if-match': put.etag! },
    });
    expect(rb).toMatchObject({ status: 200, etag });
    expect(a().zones[0]!.loitering.dwellSeconds).toBe(20);
    // Watched a little longer after the rollback: 5 more frames of camera b, waited for.
    const bAtRollback = b();
    await waitFor('camera b after the rollback', () => b() >= bAtRollback + 5, 10_000);
    clearInterval(sampler);
    // Camera b's frame counter kept rising through all of it (5 fps: a new frame at least every second).
    for (let i = 10; i < samples.length; i++) expect(samples[i]!).toBeGreaterThan(samples[i - 10]!);
    expect(app.cameras.find((c) => c.config.id === 'b')!.status().restarts).toBe(0);
  }, 60_000);

  test("changing one camera's fps: that camera alone restarts, once (one pipeline, one ffmpeg), at the new fps; the other never pauses", async () => {
    const b = app.cameras.find((c) => c.config.id === 'b')!;
    const { etag, json } = await call('GET', '/api/config', { token: ADMIN });
    const next = structuredClone(json.config) as { cameras: { analysis?: { fps: number } }[] };
    next.cameras[0]!.analysis!.fps = 4;
    const put = await call('PUT', '/api/config', {
      token: ADMIN,
      body: JSON.stringify(next),
      headers: { 'if-match': etag! },
    });
    expect(put).toMatchObject({
      status: 200,
      json: { change: { cameras: [{ id: 'a', change: 'restart' }], restartRequired: [] } },
    });
    const a = app.cameras.filter((c) => c.config.id === 'a');
    expect(a.map((c) => c.config.analysis.fps)).toEqual([4]);
    await waitFor('camera a analysing again', () => a[0]!.status().framesAnalysed > 2, 30_000);
    expect(ffmpegChildren().filter((l) => l.includes('fps=4'))).toHaveLength(1);
    expect(ffmpegChildren()).toHaveLength(2);
    expect(app.cameras.find((c) => c.config.id === 'b')).toBe(b);
    expect(b.status().restarts).toBe(0);
  }, 60_000);

  test('quiet hours edited live apply to the next incident (the change report says so: nothing to restart)', async () => {
    const hhmm = (ms: number) => {
      const d = new Date(ms);
      return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
    };
    const now = Date.now();
    const quietHours = [{ from: hhmm(now - 3_600_000), to: hhmm(now + 3_600_000) }];
    const { etag, json } = await call('GET', '/api/config', { token: ADMIN });
    const zones = (json.config as { cameras: { zones: object[] }[] }).cameras[1]!.zones.map(
      (z) => ({ ...z, quietHours }),
    );
    const put = await call('PUT', '/api/cameras/b/zones', {
      token: ADMIN,
      body: JSON.stringify({ zones }),
      headers: { 'if-match': etag! },
    });
    expect(put).toMatchObject({
      status: 200,
      json: { change: { cameras: [{ id: 'b', change: 'zones' }], restartRequired: [] } },
    });
    const incidents = app['alerts']!.incidents;
    const event = (type: 'start' | 'end') => ({
      type,
      rule: 'loitering' as const,
      zoneId: 'door',
      zoneName: 'Door',
      trackId: 9999,
      startedAtMs: now,
      atMs: Date.now(),
      dwellMs: 25_000,
      thresholdMs: 20_000,
      person: { box: { x: 0, y: 0, w: 10, h: 10 }, score: 0.9, keypoints: [] },
      path: [],
      score: 0.9,
    });
    const decision = incidents.handle('b', event('start'));
    incidents.handle('b', event('end'));
    expect(decision).toMatchObject({
      publish: null,
      incident: { published: false, suppressedBy: 'quiet-hours' },
    });
  });

  test('/metrics is Prometheus text with per-camera fps, drops, inference time and outbox depth', async () => {
    const r = await call('GET', '/metrics', { token: VIEWER });
    expect(r.status).toBe(200);
    const samples = new Map<string, number>();
    for (const line of r.text.split('\n')) {
      if (!line || line.startsWith('#')) {
        // Prometheus metric names: [a-zA-Z_:][a-zA-Z0-9_:]*
        if (line) expect(line).toMatch(/^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$/);
        continue;
      }
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (-?[0-9.e+-]+|NaN|\+Inf)$/.exec(line);
      expect([line, m !== null]).toEqual([line, true]);
      samples.set(`${m![1]}${m![2] ?? ''}`, Number(m![3]));
    }
    expect(samples.get('vigil_camera_input_fps{camera="a"}')).toBeGreaterThan(0);
    expect(samples.has('vigil_camera_dropped_frames_total{camera="b"}')).toBe(true);
    expect(samples.get('vigil_inference_seconds_count{camera="a"}')).toBeGreaterThan(0);
    expect(samples.has('vigil_outbox_depth')).toBe(true);
    expect(samples.get('process_resident_memory_bytes')).toBeGreaterThan(50e6);
    expect(samples.has('vigil_camera_state_seconds_total{camera="a",state="streaming"}')).toBe(
      true,
    );
    // The depth is the outbox's own count (read on both sides of a scrape that saw no change).
    const outbox = app['alerts']!.outbox;
    await waitFor('a scrape of the outbox depth', async () => {
      const before = outbox.depth;
      const text = (await call('GET', '/metrics', { token: VIEWER })).text;
      const scraped = Number(/^vigil_outbox_depth (\S+)$/m.exec(text)?.[1]);
      return before === outbox.depth && scraped === before;
    });
  });

  test('alert history, live frame and OpenAPI answer; no secret ever appears in a response or a log line', async () => {
    expect((await call('GET', '/api/alerts?limit=10', { token: VIEWER })).json).toMatchObject({
      items: expect.any(Array),
    });
    const frame = await fetch(`${base}/api/cameras/a/frame.jpg`, {
      headers: { authorization: `Bearer ${VIEWER}` },
    });
    expect(frame.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await frame.arrayBuffer()).subarray(0, 2)).toEqual(
      Buffer.from([0xff, 0xd8]),
    );
    const docs = await fetch(`${base}/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
    // The OpenAPI document is public, like the docs UI that loads it, and the same document.
    const spec = await call('GET', '/api/openapi.json');
    expect(spec.status).toBe(200);
    expect(spec.json).toMatchObject({
      openapi: expect.stringMatching(/^3\./),
      paths: expect.objectContaining({ '/api/cameras/{id}/zones': expect.any(Object) }),
    });
    expect((await call('GET', '/docs/json')).json).toEqual(spec.json);
    // Every operation has a summary, its 200 answer and the error answers; config writes name If-Match.
    type Op = { summary?: string; description?: string; responses: Record<string, unknown> };
    const ops = Object.entries(spec.json.paths as Record<string, Record<string, Op>>).flatMap(
      ([p, methods]) =>
        Object.entries(methods).map(([m, op]) => ({ at: `${m.toUpperCase()} ${p}`, op })),
    );
    expect(ops.length).toBeGreaterThanOrEqual(20);
    for (const { at, op } of ops) {
      expect({ at, summary: !!op.summary }).toEqual({ at, summary: true });
      expect({ at, codes: Object.keys(op.responses) }).toEqual({
        at,
        codes: expect.arrayContaining([expect.stringMatching(/^2/), '4XX', '5XX']),
      });
    }
    for (const at of [
      'PUT /api/config',
      'PUT /api/cameras/{id}/zones',
      'POST /api/config/rollback',
    ])
      expect(ops.find((o) => o.at === at)?.op.description).toContain('If-Match');
    const cfg = await call('GET', '/api/config', { token: ADMIN });
    expect(cfg.text).toContain('[redacted]');
    expect(cfg.text).toContain('***:***@');
    const everything = [...bodies, ...lines().map((l) => JSON.stringify(l))].join('\n');
    for (const s of SECRETS) expect(everything.includes(s) ? s : 'absent').toBe('absent');
  });
});
