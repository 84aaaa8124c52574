import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { RTSP_PEER_INSTALL, rtspPeerUnavailable } from '../../scripts/peers/rtsp-peer';
import { requireComponent } from '../helpers/require-component';
import { peerClip } from '../helpers/camera-site';
import { REPO, tempDir } from '../helpers/media';

/**
 * Discovery and adoption, end to end, inside a private network namespace so that WS-Discovery
 * multicast never leaves the machine: scripts/peers/netns-discovery.ts runs our ONVIF simulator,
 * the RTSP peer and the built daemon there, drives `npm run discover` and the API, and reports.
 */
const SETUP = 'ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo';

function whyNot(): string | undefined {
  const ns = spawnSync('unshare', ['-n', 'sh', '-c', SETUP]);
  if (ns.error || ns.status !== 0)
    return `private network namespaces are not allowed here (unshare -n): ${ns.error?.message ?? ns.stderr.toString().trim()}`;
  return rtspPeerUnavailable();
}
const t = requireComponent(
  'the ONVIF discovery test',
  whyNot(),
  `root or CAP_SYS_ADMIN, iproute2, util-linux; ${RTSP_PEER_INSTALL}`,
)
  ? test
  : test.skip;

interface CliRun {
  code: number;
  stdout: string;
}
interface Device {
  urn: string;
  name: string | null;
  device: {
    manufacturer: string;
    profiles: { token: string }[];
    main: { uri: string };
    sub: { uri: string };
  } | null;
  error: { code: string } | null;
}
interface Report {
  xaddr: string;
  cli: { wrong: CliRun; right: CliRun; anonymous: CliRun };
  api: Record<string, { status: number; body: Record<string, unknown> }>;
  lobby: { state: string; framesIn: number; source: { width: number } } | undefined;
  savedConfig: unknown;
  daemonAlive: boolean;
}

t(
  'the simulator is found; profiles and stream URIs read; a wrong password is an auth error; adopting it makes a camera stream',
  () => {
    const dir = tempDir('vigil-discovery-');
    const clip = peerClip(dir, 10, 6);
    const r = spawnSync(
      'unshare',
      [
        '-n',
        'sh',
        '-c',
        `${SETUP} && exec "$0" "$@"`,
        process.execPath,
        path.join(REPO, 'dist/scripts/peers/netns-discovery.js'),
        dir,
        clip,
      ],
      { cwd: REPO, timeout: 150_000, maxBuffer: 16 << 20 },
    );
    if (r.status !== 0)
      throw new Error(`scenario failed (${r.status}): ${r.stderr.toString().slice(-3000)}`);
    const report = JSON.parse(r.stdout.toString().trim().split('\n').at(-1)!) as Report;
    const lines = (run: CliRun) =>
      run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Device);

    // CLI: found by WS-Discovery, read with the right password.
    expect(report.cli.right.code).toBe(0);
    const [right] = lines(report.cli.right);
    expect(right?.name).toBe('Lobby cam');
    expect(right?.device?.profiles.map((p) => p.token)).toEqual(['main', 'sub']);
    expect(right?.device?.main.uri).toMatch(/^rtsp:\/\/127\.0\.0\.1:\d+\/main$/);
    expect(right?.device?.sub.uri).toMatch(/\/sub$/);
    // The wrong password: an auth error, not an empty camera; without credentials: found, not read.
    const [wrong] = lines(report.cli.wrong);
    expect(wrong?.device).toBeNull();
    expect(wrong?.error?.code).toBe('VIGIL_ERR_ONVIF_AUTH');
    const [anon] = lines(report.cli.anonymous);
    expect(anon).toMatchObject({ device: null, error: null, name: 'Lobby cam' });

    // API discovery says the same.
    expect(report.api.right!.status).toBe(200);
    expect((report.api.right!.body.devices as Device[])[0]?.device?.manufacturer).toBe('Vigil');
    expect((report.api.wrong!.body.devices as Device[])[0]?.error?.code).toBe(
      'VIGIL_ERR_ONVIF_AUTH',
    );
    // Adoption: refused with the wrong password (config untouched), then the substream camera streams.
    expect(report.api.adoptWrong).toMatchObject({
      status: 422,
      body: { code: 'VIGIL_ERR_ONVIF_AUTH' },
    });
    expect(report.api.adoptRight!.status).toBe(200);
    expect(report.api.adoptRight!.body.camera).toMatchObject({ id: 'lobby', profile: 'sub' });
    expect(report.lobby).toMatchObject({ state: 'streaming', source: { width: 320 } });
    expect(report.lobby!.framesIn).toBeGreaterThanOrEqual(3);
    expect(report.daemonAlive).toBe(true);
    // The password is stored for ffmpeg but never shown.
    expect(JSON.stringify(report.savedConfig)).toContain('rtsp://***:***@127.0.0.1');
    expect(JSON.stringify(report)).not.toContain('lobby-pass');
  },
  180_000,
);
