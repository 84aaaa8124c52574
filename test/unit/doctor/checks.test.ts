import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { parseConfig } from '../../../services/config/load';
import {
  checkApi,
  checkBroker,
  checkClips,
  inferenceVerdict,
} from '../../../services/doctor/service-checks';
import { checkFfmpeg } from '../../../services/doctor/system-checks';

const listen = (handler: Parameters<typeof createServer>[1]) =>
  new Promise<{ server: Server; port: number }>((resolve) => {
    const server = createServer(handler);
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({ server, port: typeof a === 'object' && a ? a.port : 0 });
    });
  });
const close = (s: Server) => new Promise((r) => s.close(r));
const site = (api: Record<string, unknown>, mqtt: Record<string, unknown> = {}) =>
  parseConfig({
    api,
    mqtt,
    cameras: [{ id: 'c', source: { url: 'rtsp://10.0.0.9/s' } }],
    inference: { workers: 1, minModelFps: 2.5 },
  });

describe('doctor checks that can fail', () => {
  test('ffmpeg that does not run is an error, not ok', () => {
    const bad = checkFfmpeg({ path: '/bin/false', version: '?', origin: 'system' });
    expect(bad).toMatchObject({ status: 'error', name: 'ffmpeg' });
    const missing = checkFfmpeg({ path: '/nonexistent/ffmpeg', version: '?', origin: 'system' });
    expect(missing.status).toBe('error');
    expect(missing.detail).toMatch(/ENOENT/);
  });

  test('an inference slower than 1/minModelFps per worker is a warning that says why', () => {
    const config = site({});
    expect(inferenceVerdict('onnx, 170 ms', 170, config).status).toBe('ok');
    const slow = inferenceVerdict('wasm, 2500 ms', 2500, config);
    expect(slow.status).toBe('warning');
    expect(slow.detail).toContain(
      'too slow for inference.minModelFps 2.5 (400 ms per frame with 1 worker(s))',
    );
  });

  test('API port: free is ok, held by this daemon is ok, held by something else is an error', async () => {
    const vigil = await listen((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'ok', startedAt: '', version: '0.1.0' }));
    });
    const other = await listen((_req, res) => res.end('hello'));
    try {
      expect((await checkApi(site({ host: '127.0.0.1', port: vigil.port }))).detail).toMatch(
        /the daemon is running/,
      );
      expect(await checkApi(site({ host: '127.0.0.1', port: other.port }))).toMatchObject({
        status: 'error',
        detail: expect.stringContaining('not Vigil'),
      });
      // The embedded broker's port held while this daemon runs is the daemon's own, not a clash.
      const running = site({ host: '127.0.0.1', port: vigil.port }, { embeddedPort: other.port });
      expect((await checkBroker(running)).status).toBe('ok');
      const clash = site({ host: '127.0.0.1', port: 1 }, { embeddedPort: other.port });
      expect((await checkBroker(clash)).status).toBe('error');
    } finally {
      await close(vigil.server);
      await close(other.server);
    }
  });
});

describe('the clips check', () => {
  const cam = (clips: object) =>
    parseConfig({ cameras: [{ id: 'c', source: { url: 'rtsp://x/y' }, clips }] }).cameras[0]!;
  test.each([
    [{}, 'h264', true, 'ok'],
    [{}, 'hevc', true, 'ok'],
    [{}, 'mjpeg', true, 'warning'],
    [{}, undefined, true, 'warning'],
    [{ codec: 'h264' }, 'mjpeg', true, 'ok'],
    [{ codec: 'h264' }, 'mjpeg', false, 'error'],
    [{ enabled: false }, 'mjpeg', false, 'ok'],
  ])('clips %j of a %s stream (libx264: %s): %s', (clips, codec, x264, status) => {
    const r = checkClips(cam(clips), codec, x264);
    expect(r.status).toBe(status);
    if (status === 'warning' && codec) expect(r.hint).toMatch(/clips\.codec: h264/);
  });
});
