import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { RTSP_PEER_INSTALL, RtspPeer, rtspPeerUnavailable } from '../../scripts/peers/rtsp-peer';
import { requireComponent } from '../helpers/require-component';
import type { CameraHealthPayload } from '../../services/alerts/payload-schemas';
import { CameraMonitor, cameraSite, cameraViews, peerClip } from '../helpers/camera-site';
import { startDaemon } from '../helpers/daemon';
import type { Daemon } from '../helpers/daemon';
import { tempDir } from '../helpers/media';
import { recordMqtt } from '../helpers/mqtt-recorder';
import { TEST_CLERK } from '../helpers/broker';
import type { Received } from '../helpers/mqtt-recorder';
import { freePort } from '../helpers/ports';
import { contractViolation } from '../helpers/schema-check';
import { waitFor } from '../helpers/wait';

/**
 * The built daemon with two cameras, each on its own real RTSP server (GStreamer, loopback):
 * faults hit the `victim` server only. The `steady` camera's frame counter must never stand still
 * (2 fps analysis: a frame every 0.5 s; we allow 3 s for a busy CI machine) and the daemon must
 * not exit.
 */
const d = requireComponent('the RTSP fault tests', rtspPeerUnavailable(), RTSP_PEER_INSTALL)
  ? describe
  : describe.skip;

const WATCHDOG_S = 4;
const MAX_FREEZE_MS = 3000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

d('camera faults against a real RTSP server', () => {
  const dir = tempDir('vigil-faults-');
  let clip = '';
  let shortClip = '';
  let steadyPeer: RtspPeer;
  let victimPeer: RtspPeer | undefined;
  let daemon: Daemon | undefined;
  let monitor: CameraMonitor | undefined;
  let mqttClient: MqttClient | undefined;

  beforeAll(async () => {
    clip = peerClip(dir);
    shortClip = peerClip(dir, 3, 1);
    steadyPeer = await RtspPeer.start({ mounts: { cam: clip } });
  }, 120_000);

  afterAll(async () => {
    await steadyPeer?.stop();
  });

  afterEach(async () => {
    monitor?.stop();
    await mqttClient?.endAsync(true);
    mqttClient = undefined;
    if (daemon && daemon.proc.exitCode === null) {
      daemon.proc.kill('SIGTERM');
      await daemon.exited;
    }
    await victimPeer?.stop();
  });

  /** Starts the daemon on steady + victim, waits until both stream, starts the monitor. */
  async function startSite(victimUrl: string, offlineAlertSeconds = 60) {
    const ports = { mqtt: await freePort(), api: await freePort() };
    const file = cameraSite(
      dir,
      ports,
      [
        { id: 'steady', url: steadyPeer.url('cam') },
        { id: 'victim', url: victimUrl, offlineAlertSeconds },
      ],
      WATCHDOG_S,
    );
    daemon = startDaemon(['--config', file]);
    const rec = await waitFor(
      'the embedded broker',
      async () =>
        recordMqtt(`mqtt://127.0.0.1:${ports.mqtt}`, 'vigil/#', undefined, TEST_CLERK).catch(
          () => undefined,
        ),
      60_000,
      250,
    );
    mqttClient = rec.client;
    await waitFor(
      'steady streaming',
      async () =>
        (await cameraViews(ports.api).catch(() => undefined))?.get('steady')?.state === 'streaming',
      60_000,
      250,
    );
    monitor = new CameraMonitor(ports.api);
    monitor.start();
    return { ports, messages: rec.messages, startedAt: Date.now() };
  }

  function expectSteadyUnharmed(sinceMs: number) {
    expect(daemon?.proc.exitCode).toBeNull();
    expect(monitor!.longestFreezeMs('steady', sinceMs)).toBeLessThan(MAX_FREEZE_MS);
    // The API answered every poll: a freeze cannot hide between failed samples.
    expect(monitor!.failures.filter((f) => f.at >= sinceMs)).toEqual([]);
    expect(monitor!.states('steady')).toEqual(['streaming']);
  }

  const victimState = (state: string) => () => monitor!.latest('victim')?.state === state;
  const healthOf = (msgs: Received[]) =>
    msgs
      .filter((m) => m.topic === 'vigil/victim/health')
      .map((m) => JSON.parse(m.payload.toString()) as CameraHealthPayload);

  test('server killed, then restarted: unreachable, camera_offline, back to streaming within 15 s of the restart, camera_online', async () => {
    victimPeer = await RtspPeer.start({ mounts: { cam: clip } });
    const { messages, startedAt } = await startSite(victimPeer.url('cam'), 5);
    await waitFor('victim streaming', victimState('streaming'), 30_000);
    await victimPeer.kill();
    await waitFor('victim unreachable', victimState('unreachable'), 20_000);
    await waitFor('camera_offline', () => healthOf(messages).length >= 1, 20_000);
    await sleep(5000);
    await victimPeer.restart();
    // The reconnect ladder's longest step is 10 s: streaming again within 20 s of the restart.
    await waitFor('victim streaming again within 20 s', victimState('streaming'), 20_000);
    await waitFor('camera_online', () => healthOf(messages).length >= 2, 10_000);
    const [off, on] = healthOf(messages);
    expect(off).toMatchObject({ type: 'camera_offline', camera: 'victim', state: 'unreachable' });
    expect(off?.lastError?.code).toBe('VIGIL_ERR_STREAM_UNREACHABLE');
    expect(on).toMatchObject({ type: 'camera_online', id: off?.id });
    expect(on!.downSeconds).toBeGreaterThanOrEqual(5);
    for (const m of messages) expect(contractViolation(m)).toBeUndefined();
    expectSteadyUnharmed(startedAt);
  }, 150_000);

  test('server paused (SIGSTOP): stalled within the watchdog time, streaming again after resume', async () => {
    victimPeer = await RtspPeer.start({ mounts: { cam: clip } });
    const { startedAt } = await startSite(victimPeer.url('cam'));
    await waitFor('victim streaming', victimState('streaming'), 30_000);
    victimPeer.pause();
    // ffmpeg produces no frame in the watchdog time, which holds from the last frame before the
    // pause; the monitor polls every 250 ms.
    await waitFor('victim stalled', victimState('stalled'), (WATCHDOG_S + 3) * 1000);
    await sleep(8000);
    expect(monitor!.latest('victim')?.state).not.toBe('streaming');
    victimPeer.resume();
    await waitFor('victim streaming again within 20 s', victimState('streaming'), 20_000);
    expect(monitor!.latest('victim')?.lastError?.code).toBe('VIGIL_ERR_STREAM_STALLED');
    expectSteadyUnharmed(startedAt);
  }, 150_000);

  test('a camera login stays out of every process list and off disk; a hang with it still stalls and recovers', async () => {
    const password = 'pw-only-in-the-config-9f3';
    victimPeer = await RtspPeer.start({ mounts: { cam: clip }, user: 'admin', password });
    const { startedAt } = await startSite(victimPeer.url('cam', { user: 'admin', password }));
    await waitFor('victim streaming', victimState('streaming'), 30_000);
    // The daemon and everything it started (the test's own RTSP server holds the password).
    const argvWith = (text: string) => {
      const parent = new Map<number, number>();
      for (const p of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
        try {
          const stat = readFileSync(`/proc/${p}/stat`, 'latin1');
          parent.set(Number(p), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
        } catch {
          // exited meanwhile
        }
      }
      const ours = (pid: number): boolean =>
        pid === daemon!.proc.pid || (pid > 1 && ours(parent.get(pid) ?? 0));
      return [...parent.keys()]
        .filter(ours)
        .map((pid) => {
          try {
            return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ');
          } catch {
            return '';
          }
        })
        .filter((cmd) => cmd.includes(text));
    };
    // ffmpeg for the victim runs (it streams), and no process shows the password.
    expect(argvWith('-f concat').length).toBeGreaterThanOrEqual(1);
    expect(argvWith(password)).toEqual([]);
    // The input list that carried it is gone once ffmpeg read it.
    const lists = readdirSync(os.tmpdir())
      .filter((d) => d.startsWith('vigil-inputs-'))
      .flatMap((d) => {
        try {
          return readdirSync(path.join(os.tmpdir(), d)).map((f) => path.join(d, f));
        } catch {
          return [];
        }
      })
      .filter((f) => {
        try {
          return readFileSync(path.join(os.tmpdir(), f), 'utf8').includes(password);
        } catch {
          return false;
        }
      });
    expect(lists).toEqual([]);
    victimPeer.pause();
    await waitFor('victim stalled', victimState('stalled'), (WATCHDOG_S + 3) * 1000);
    victimPeer.resume();
    await waitFor('victim streaming again', victimState('streaming'), 30_000);
    expect(argvWith(password)).toEqual([]);
    expectSteadyUnharmed(startedAt);
  }, 150_000);

  test('wrong password: auth_failed, retried at most once per 30 s, never shown as streaming', async () => {
    victimPeer = await RtspPeer.start({ mounts: { cam: clip }, user: 'admin', password: 'right' });
    const { startedAt } = await startSite(
      victimPeer.url('cam', { user: 'admin', password: 'wrong' }),
    );
    await waitFor('victim auth_failed', victimState('auth_failed'), 30_000);
    // Each failed attempt stamps lastError.at with the daemon's clock: the attempts' real spacing,
    // free of the monitor's polling delay.
    const first = monitor!.latest('victim')!;
    const firstAt = first.lastError!.at;
    // The next failed attempt, waited for (a 30 s step of the ladder, jitter up to 20 %).
    await waitFor(
      'the second failed attempt',
      () => (monitor!.latest('victim')?.lastError?.at ?? firstAt) !== firstAt,
      50_000,
      200,
    );
    const second = monitor!.latest('victim')!;
    // Retried once, and not before 30 s by the daemon's own clock.
    expect(Date.parse(second.lastError!.at) - Date.parse(firstAt)).toBeGreaterThanOrEqual(30_000);
    expect(second.restarts - first.restarts).toBe(1);
    const v = monitor!.latest('victim')!;
    expect(v.state).toBe('auth_failed');
    expect(v.lastError?.code).toBe('VIGIL_ERR_STREAM_AUTH');
    expect(v.lastError?.message).toMatch(/401/);
    expect(JSON.stringify(v)).not.toContain('wrong');
    expect(monitor!.states('victim')).not.toContain('streaming');
    expectSteadyUnharmed(startedAt);
  }, 150_000);

  test('a stream that ends is reconnected, again and again', async () => {
    victimPeer = await RtspPeer.start({ mounts: { short: shortClip } });
    const { startedAt } = await startSite(victimPeer.url('short'));
    await waitFor('victim streaming', victimState('streaming'), 30_000);
    await waitFor(
      'two ends and reconnects',
      () => (monitor!.latest('victim')?.restarts ?? 0) >= 2,
      40_000,
    );
    await waitFor('victim streaming again', victimState('streaming'), 20_000);
    expect(monitor!.latest('victim')?.lastError?.code).toBe('VIGIL_ERR_STREAM_EXITED');
    expect(monitor!.states('victim')).toEqual(
      expect.arrayContaining(['streaming', 'backoff', 'connecting']),
    );
    expectSteadyUnharmed(startedAt);
  }, 150_000);
});
