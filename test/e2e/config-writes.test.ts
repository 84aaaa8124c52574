import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { sha256Hex } from '../../services/core/hashing';
import { loadConfigFile } from '../../services/config/load';
import { startDaemon } from '../helpers/daemon';
import type { Daemon } from '../helpers/daemon';
import { REPO, requireVtest, tempDir } from '../helpers/media';
import { freePort } from '../helpers/ports';
import { waitFor } from '../helpers/wait';

const ADMIN = 'config-writes-admin-token';

interface Answer {
  config: { cameras: { analysis: { fps: number } }[] };
  cameras: { id: string; state: string }[];
}

/** The daemon's child processes that are ffmpeg, from /proc (ps). */
function ffmpegChildren(pid: number): string[] {
  let out = '';
  try {
    out = execFileSync('ps', ['--ppid', String(pid), '-o', 'comm=,args='], { encoding: 'utf8' });
  } catch (err) {
    // ps exits 1 when the process has no children at all.
    if ((err as { status?: number }).status !== 1) throw err;
  }
  return out
    .split('\n')
    .filter((l) => /^ffmpeg\s/.test(l.trim()))
    .map((l) => l.trim());
}

/**
 * The audit's race on the built daemon with the demo camera (vtest.avi, as config/demo.yaml):
 * a chain of valid writes sent together (fps 5 -> 6 with the fps-5 ETag, 6 -> 5 with the fps-6
 * ETag) used to leave a pipeline, and its ffmpeg, per interleaved write.
 */
test('20 concurrent config writes: every answer 200 or 412/409, never 500; afterwards one ffmpeg and one listing per camera, and the file loads', async () => {
  const dir = tempDir('vigil-writes-');
  const demo = parse(readFileSync(path.join(REPO, 'config/demo.yaml'), 'utf8')) as {
    dataDir: string;
    api: Record<string, unknown>;
    mqtt: Record<string, unknown>;
    cameras: { source: { url: string } }[];
  };
  demo.dataDir = path.join(dir, 'data');
  demo.api = {
    host: '127.0.0.1',
    port: await freePort(),
    tokens: [{ name: 'ops', role: 'admin', sha256: sha256Hex(ADMIN) }],
  };
  demo.mqtt = { ...demo.mqtt, embeddedPort: await freePort() };
  demo.cameras[0]!.source.url = requireVtest();
  const file = path.join(dir, 'site.yaml');
  writeFileSync(file, stringify(demo));
  const base = `http://127.0.0.1:${demo.api.port as number}`;
  const daemon: Daemon = startDaemon(['--config', file]);
  const call = async (method: string, url: string, body?: unknown, ifMatch?: string) => {
    const r = await fetch(`${base}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(ifMatch ? { 'if-match': ifMatch } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return {
      status: r.status,
      etag: r.headers.get('etag') ?? '',
      json: (await r.json()) as Answer,
    };
  };
  const listed = async () => (await call('GET', '/api/cameras')).json.cameras ?? [];
  try {
    await waitFor(
      'the camera streaming',
      async () =>
        daemon.stdout().includes('vigil running') &&
        (await listed()).some((c) => c.state === 'streaming'),
      90_000,
      200,
    );
    expect(ffmpegChildren(daemon.proc.pid!)).toHaveLength(1);
    const got = await call('GET', '/api/config');
    const withFps = (fps: number) => {
      const c = structuredClone(got.json.config);
      c.cameras[0]!.analysis.fps = fps;
      return c;
    };
    // One round trip gives both ETags (the file's text is the same after 5 -> 6 -> 5).
    const e5 = got.etag;
    const to6 = await call('PUT', '/api/config', withFps(6), e5);
    expect(to6.status).toBe(200);
    const e6 = to6.etag;
    const to5 = await call('PUT', '/api/config', withFps(5), e6);
    expect([to5.status, to5.etag]).toEqual([200, e5]);

    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? call('PUT', '/api/config', withFps(6), e5)
          : call('PUT', '/api/config', withFps(5), e6),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => ![200, 409, 412].includes(s))).toEqual([]);
    expect(statuses).toContain(200);

    // Each camera once, one ffmpeg each, and that stays so once it streams again.
    await waitFor(
      'one ffmpeg for the camera',
      () => ffmpegChildren(daemon.proc.pid!).length === 1,
      30_000,
      200,
    );
    await waitFor(
      'the camera streaming again',
      async () => (await listed()).some((c) => c.state === 'streaming'),
      60_000,
      200,
    );
    expect((await listed()).map((c) => c.id)).toEqual(['square']);
    expect(ffmpegChildren(daemon.proc.pid!)).toHaveLength(1);
    // The file is valid YAML that loads, and the one ffmpeg runs at the fps it holds.
    const saved = loadConfigFile(file);
    expect(ffmpegChildren(daemon.proc.pid!)[0]).toContain(`fps=${saved.cameras[0]!.analysis.fps}`);
    expect(daemon.stdout()).not.toMatch(/"level":(50|60)/);
  } finally {
    daemon.proc.kill('SIGTERM');
    await daemon.exited;
  }
}, 240_000);
