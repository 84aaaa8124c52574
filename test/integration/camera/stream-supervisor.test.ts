import { StreamSupervisor } from '../../../services/camera/stream-supervisor';
import type { StreamState } from '../../../services/camera/stream-supervisor';
import { OfflineWatch } from '../../../services/camera/offline-watch';
import { resolveFfmpeg } from '../../../services/camera/ffmpeg-binary';
import { parseConfig } from '../../../services/config/load';
import { systemClock } from '../../../services/core/clock';
import type { CameraHealthEvent } from '../../../services/core/camera-status';
import { vtestClip } from '../../helpers/media';
import { captureLogger } from '../../helpers/logger';
import { waitFor } from '../../helpers/wait';

const clip = vtestClip(0, 15); // 1.5 s at 10 fps

function camera(loop: boolean) {
  return parseConfig({
    cameras: [
      {
        id: 'c',
        source: { url: clip, realtime: true, loop },
        analysis: { fps: 5, width: 96, height: 72 },
        watchdogSeconds: 5,
        offlineAlertSeconds: 1,
      },
    ],
  }).cameras[0]!;
}

test('a file without loop plays once: at its end the camera is ended, no reconnect, no camera_offline', async () => {
  const cam = camera(false);
  let frames = 0;
  const { log, lines } = captureLogger();
  const sup = new StreamSupervisor(cam, resolveFfmpeg(), () => frames++, systemClock, log);
  const states: StreamState[] = [];
  const health: CameraHealthEvent[] = [];
  // Wired as the camera pipeline wires it, with a 1 s offline threshold.
  const offline = new OfflineWatch(1000, systemClock, (e) => health.push(e));
  sup.onStateChange = (s) => {
    states.push(s);
    offline.onState(s);
  };
  sup.start();
  try {
    await waitFor('the end of the file', () => sup.state === 'ended', 20_000);
    const endedAt = Date.now();
    expect(frames).toBeGreaterThanOrEqual(5); // 1.5 s at 5 fps, give or take the first
    // Three times the offline threshold: an ended camera is not down.
    await new Promise((r) => setTimeout(r, 3000));
    expect(sup.state).toBe('ended');
    expect(sup.restarts).toBe(0);
    expect(states).toEqual(['connecting', 'streaming', 'ended']);
    // (A slow start may count as down before the first frame; the end never does.)
    expect(health.filter((e) => e.atMs >= endedAt - 100)).toEqual([]);
    expect(lines().filter((l) => l.msg === 'stream down; reconnecting')).toEqual([]);
    expect(sup.secondsInStates().ended).toBeGreaterThan(0);
  } finally {
    offline.dispose();
    await sup.stop();
  }
  expect(sup.state).toBe('stopped');
}, 40_000);

test('a looping file never ends: it plays on past its length', async () => {
  const sup = new StreamSupervisor(
    camera(true),
    resolveFfmpeg(),
    () => frames++,
    systemClock,
    captureLogger().log,
  );
  let frames = 0;
  sup.start();
  try {
    await waitFor('twice the file', () => frames > 16, 30_000); // 7-8 frames per pass
    expect(sup.state).toBe('streaming');
    expect(sup.restarts).toBe(0);
  } finally {
    await sup.stop();
  }
}, 40_000);
