import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { sha256Hex } from '../../services/core/hashing';
import { repoRoot } from '../../services/core/package-info';
import { freePort } from './free-port';
import { OnvifSimulator } from './onvif-simulator';
import { RtspPeer } from './rtsp-peer';

/**
 * The discovery scenario of test/e2e/onvif-discovery.test.ts, run INSIDE a private network
 * namespace (`unshare -n`, loopback with multicast) so WS-Discovery probes never leave the
 * machine: an RTSP peer, our ONVIF simulator answering probes, the built daemon; then
 * `npm run discover` (wrong and right password) and the API's discovery and adoption. Prints one
 * JSON report on its last stdout line; the test asserts on it.
 *
 *   node dist/scripts/peers/netns-discovery.js <work dir> <clip.mp4>
 */
const [dir, clip] = process.argv.slice(2);
if (!dir || !clip) {
  process.stderr.write('usage: netns-discovery.js <work dir> <clip.mp4>\n');
  process.exit(2);
}
const ROOT = repoRoot();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function main(): Promise<Record<string, unknown>> {
  const peer = await RtspPeer.start({ mounts: { main: clip!, sub: clip! } });
  const sim = new OnvifSimulator({
    user: 'admin',
    password: 'lobby-pass',
    auth: 'wsse',
    discovery: true,
    model: 'Lobby cam',
    profiles: [
      { token: 'main', width: 1920, height: 1080, fps: 15, rtsp: peer.url('main') },
      { token: 'sub', width: 320, height: 240, fps: 10, rtsp: peer.url('sub') },
    ],
  });
  await sim.start();
  const token = randomBytes(12).toString('hex');
  const apiPort = await freePort();
  const config = {
    logLevel: 'info',
    dataDir: path.join(dir!, 'data'),
    api: {
      host: '127.0.0.1',
      port: apiPort,
      tokens: [{ name: 't', role: 'admin', sha256: sha256Hex(token) }],
    },
    mqtt: { url: 'embedded', embeddedPort: await freePort() },
    inference: { strategy: 'full', inputWidth: 256, inputHeight: 192 },
    cameras: [
      {
        id: 'seed',
        source: { url: clip, loop: true, realtime: true },
        analysis: { fps: 1, width: 320, height: 240 },
      },
    ],
  };
  const file = path.join(dir!, 'site.yaml');
  writeFileSync(file, stringify(config));
  const daemon = spawn(process.execPath, ['dist/services/main.js', '--config', file], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let daemonLog = '';
  daemon.stderr.on('data', (d: Buffer) => (daemonLog = (daemonLog + d.toString()).slice(-20_000)));
  const api = async (
    method: string,
    route: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(`http://127.0.0.1:${apiPort}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {
      status: res.status,
      etag: res.headers.get('etag'),
      body: (await res.json()) as Record<string, unknown>,
    };
  };
  try {
    const discover = (...args: string[]) =>
      run(['dist/scripts/discover.js', '--timeout', '2', ...args]);
    const cliWrong = await discover('--user', 'admin', '--password', 'nope');
    const cliRight = await discover('--user', 'admin', '--password', 'lobby-pass');
    const cliAnonymous = await discover();
    for (let i = 0; ; i++) {
      if (
        await api('GET', '/healthz').then(
          () => true,
          () => false,
        )
      )
        break;
      if (i > 240) throw new Error(`daemon API never came up\n${daemonLog}`);
      await sleep(250);
    }
    const apiRight = await api('POST', '/api/discovery', {
      timeoutSeconds: 2,
      username: 'admin',
      password: 'lobby-pass',
    });
    const apiWrong = await api('POST', '/api/discovery', {
      timeoutSeconds: 2,
      username: 'admin',
      password: 'nope',
    });
    const { etag } = await api('GET', '/api/config');
    const adopt = (password: string) =>
      api(
        'POST',
        '/api/discovery/adopt',
        { xaddr: sim.xaddr, username: 'admin', password, id: 'lobby' },
        { 'if-match': etag ?? '' },
      );
    const adoptWrong = await adopt('nope');
    const adoptRight = await adopt('lobby-pass');
    const t0 = Date.now();
    let lobby: Record<string, unknown> | undefined;
    while (Date.now() - t0 < 40_000) {
      const cams = (await api('GET', '/api/cameras')).body.cameras as Record<string, unknown>[];
      lobby = cams.find((c) => c.id === 'lobby');
      if (lobby?.state === 'streaming' && Number(lobby.framesIn) >= 3) break;
      await sleep(250);
    }
    const savedConfig = await api('GET', '/api/config');
    return {
      xaddr: sim.xaddr,
      simulatorRequests: sim.requests.length,
      cli: { wrong: cliWrong, right: cliRight, anonymous: cliAnonymous },
      api: { right: apiRight, wrong: apiWrong, adoptWrong, adoptRight },
      lobby,
      lobbyStreamingAfterMs: Date.now() - t0,
      savedConfig: savedConfig.body,
      daemonAlive: daemon.exitCode === null,
    };
  } finally {
    daemon.kill('SIGTERM');
    await sim.stop();
    await peer.stop();
  }
}

main().then(
  (report) => {
    process.stdout.write(JSON.stringify(report) + '\n');
    process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
