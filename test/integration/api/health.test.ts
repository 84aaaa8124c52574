import { mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { AlertHistory } from '../../../services/alerts/alert-history';
import { sha256Hex } from '../../../services/core/hashing';
import { buildApi } from '../../../services/api/server';
import type { ApiContext } from '../../../services/api/api-context';
import type { CameraStatus } from '../../../services/core/camera-status';
import { captureLogger } from '../../helpers/logger';
import { tempDir } from '../../helpers/media';

const camera = (id: string, state: CameraStatus['state']): CameraStatus => ({
  id,
  name: id,
  state,
  inputFps: 5,
  analysedFps: 4.8,
  framesIn: 100,
  framesAnalysed: 96,
  droppedFrames: 4,
  skippedNoMotion: 0,
  modelFps: 4.8,
  degraded: false,
  degradedReason: null,
  degradedDetail: null,
  framesCoasted: 0,
  latencyMs: { p50: 200, p95: 400 },
  alertLatencyMs: null,
  inferenceErrors: 0,
  inferenceTimeouts: 0,
  inferencePool: null,
  lastInferenceMs: 180,
  tracks: 2,
  restarts: 0,
  secondsInStates: {
    connecting: 1,
    streaming: state === 'streaming' ? 60 : 0,
    stalled: 0,
    backoff: 0,
    auth_failed: 0,
    unreachable: state === 'streaming' ? 0 : 60,
    stopped: 0,
    ended: 0,
  },
  source: { width: 768, height: 576, fps: 10, codec: 'h264' },
  tamper: null,
  lastError:
    state === 'streaming'
      ? null
      : {
          code: 'VIGIL_ERR_STREAM_EXITED',
          message: 'ffmpeg exited with code 1',
          at: '',
          stderr: [],
        },
});

const get = (url: string) => fetch(url, { headers: { authorization: 'Bearer view-token' } });

async function serve(ctx: Partial<ApiContext>, log = captureLogger().log) {
  const full: ApiContext = {
    cameras: () => [camera('a', 'streaming')],
    backend: () => ({
      name: 'wasm',
      skipped: [{ name: 'tfjs-node-gpu', reason: 'not installed' }],
    }),
    mqttConnected: () => true,
    startedAt: '2026-01-01T00:00:00.000Z',
    version: '0.1.0',
    tokens: () => [{ name: 'ops', role: 'viewer', sha256: sha256Hex('view-token') }],
    ...ctx,
  };
  const app = buildApi(full, log);
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, base };
}

describe('health and camera routes over real HTTP', () => {
  test('GET /healthz answers 200 while the daemon runs', async () => {
    const { app, base } = await serve({});
    const r = await fetch(`${base}/healthz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({
      status: 'ok',
      startedAt: '2026-01-01T00:00:00.000Z',
      version: '0.1.0',
    });
    await app.close();
  });

  test('GET /readyz is 200 when every camera streams, 503 with every reason otherwise', async () => {
    let cams = [camera('a', 'streaming'), camera('b', 'streaming')];
    let mqtt = true;
    const { app, base } = await serve({ cameras: () => cams, mqttConnected: () => mqtt });
    expect((await get(`${base}/readyz`)).status).toBe(200);
    cams = [camera('a', 'streaming'), camera('b', 'backoff')];
    mqtt = false;
    const r = await get(`${base}/readyz`);
    expect(r.status).toBe(503);
    expect(await r.json()).toEqual({
      ready: false,
      reasons: [
        'camera b is backoff: VIGIL_ERR_STREAM_EXITED ffmpeg exited with code 1',
        'MQTT broker not connected',
      ],
    });
    // Overload is a state: a streaming camera whose model runs under its floor is not ready.
    cams = [
      camera('a', 'streaming'),
      {
        ...camera('b', 'streaming'),
        degraded: true,
        modelFps: 1.2,
        degradedReason: 'overloaded',
        degradedDetail: 'the model runs 1.2/s, under its floor of 2.5/s: the box is overloaded',
      },
    ];
    mqtt = true;
    const o = await get(`${base}/readyz`);
    expect(o.status).toBe(503);
    expect(((await o.json()) as { reasons: string[] }).reasons).toEqual([
      'camera b is degraded (overloaded): the model runs 1.2/s, under its floor of 2.5/s: the box is overloaded',
    ]);
    await app.close();
  });

  test('GET /api/cameras reports state, rates, drops and the inference backend', async () => {
    const { app, base } = await serve({});
    const body = (await (await get(`${base}/api/cameras`)).json()) as {
      backend: string;
      cameras: (CameraStatus & { backend: string })[];
    };
    expect(body.backend).toBe('wasm');
    expect(body.cameras[0]).toMatchObject({
      id: 'a',
      state: 'streaming',
      inputFps: 5,
      analysedFps: 4.8,
      droppedFrames: 4,
      backend: 'wasm',
    });
    await app.close();
  });
});

describe('the rate limit comes before authentication', () => {
  test('a flood of bad tokens is answered 429 VIGIL_ERR_RATE_LIMITED, not 401 for ever; /healthz stays open', async () => {
    const { app, base } = await serve({ rateLimitPerMinute: 20 });
    try {
      const statuses: number[] = [];
      let body: { code?: string } = {};
      for (let i = 0; i < 40; i++) {
        const r = await fetch(`${base}/api/cameras`, { headers: { authorization: 'Bearer bad' } });
        statuses.push(r.status);
        if (r.status === 429) body = (await r.json()) as { code?: string };
        else await r.arrayBuffer();
      }
      expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
      expect(body.code).toBe('VIGIL_ERR_RATE_LIMITED');
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});

/** One request written as it is on a TCP socket (no client normalises its path). */
function rawHttp(port: number, request: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(request));
    let data = '';
    s.on('data', (b) => (data += b.toString()));
    s.on('error', reject);
    s.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(data)?.[1] ?? 0);
      resolve({ status, body: data.slice(data.indexOf('\r\n\r\n') + 4) });
    });
  });
}

describe('requests an attacker writes by hand', () => {
  test('/docs paths that climb out of the served folder are 404 VIGIL_ERR_NOT_FOUND, never 500; nested JSON is bounded', async () => {
    const { log, lines } = captureLogger('warn');
    const { app } = await serve(
      { tokens: () => [{ name: 'ops', role: 'admin', sha256: sha256Hex('admin-token') }] },
      log,
    );
    const port = (app.server.address() as net.AddressInfo).port;
    try {
      for (const p of [
        '/docs/static/../../../package.json',
        '/docs/static/%2e%2e/%2e%2e/package.json',
        '/docs/static/x/../../../../etc/passwd',
        '/docs/static/..%2f..%2fpackage.json',
      ]) {
        const r = await rawHttp(port, `GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
        expect([p, r.status]).toEqual([p, 404]);
        expect(JSON.parse(r.body)).toMatchObject({ code: 'VIGIL_ERR_NOT_FOUND' });
      }
      for (const body of [
        '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000),
        '['.repeat(100) + ']'.repeat(100),
      ]) {
        const r = await rawHttp(
          port,
          `PUT /api/cameras/a/zones HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer admin-token\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
        );
        expect(r.status).toBe(400);
        expect(JSON.parse(r.body)).toMatchObject({
          code: 'VIGIL_ERR_REQUEST_INVALID',
          message: expect.stringContaining('deeper than 64'),
        });
      }
      expect(lines().filter((l) => (l.level as number) >= 50)).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

test('a snapshot that cannot be read is 503 VIGIL_ERR_SNAPSHOT_FAILED, not a 404 that blames retention', async () => {
  const dataDir = tempDir('vigil-snap-');
  const history = new AlertHistory(dataDir);
  const id = '11111111-1111-4111-8111-111111111111';
  history.add({
    id,
    type: 'start',
    camera: 'a',
    at: new Date().toISOString(),
    snapshot: 'snap.jpg',
  } as never);
  mkdirSync(path.join(dataDir, 'snap.jpg')); // a folder where the JPEG should be: EISDIR
  const { app, base } = await serve({ history, dataDir });
  try {
    const r = await get(`${base}/api/alerts/${id}/snapshot`);
    expect(r.status).toBe(503);
    expect(await r.json()).toMatchObject({ code: 'VIGIL_ERR_SNAPSHOT_FAILED' });
    rmSync(path.join(dataDir, 'snap.jpg'), { recursive: true });
    const gone = await get(`${base}/api/alerts/${id}/snapshot`);
    expect(gone.status).toBe(404);
  } finally {
    await app.close();
  }
});
