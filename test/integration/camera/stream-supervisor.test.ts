import { StreamSupervisor } from '../../../services/camera/stream-supervisor';
import { resolveFfmpeg } from '../../../services/camera/ffmpeg-binary';
import { parseConfig } from '../../../services/config/load';
import { systemClock } from '../../../services/core/clock';
import { vtestClip } from '../../helpers/media';
import { captureLogger } from '../../helpers/logger';
import { waitFor } from '../../helpers/wait';

test('a stream that ends is a fault: the supervisor reconnects and frames flow again', async () => {
  const clip = vtestClip(0, 15); // 1.5 s at 10 fps
  const cam = parseConfig({
    cameras: [
      {
        id: 'c',
        source: { url: clip, realtime: true },
        analysis: { fps: 5, width: 96, height: 72 },
        watchdogSeconds: 5,
      },
    ],
  }).cameras[0]!;
  let frames = 0;
  const { log, lines } = captureLogger();
  const sup = new StreamSupervisor(cam, resolveFfmpeg(), () => frames++, systemClock, log);
  sup.start();
  try {
    await waitFor('first frames', () => frames > 3, 10_000);
    await waitFor('a restart after the end of the file', () => sup.restarts >= 1, 10_000);
    expect(sup.lastError?.code).toBe('VIGIL_ERR_STREAM_EXITED');
    const before = frames;
    await waitFor(
      'frames after the restart',
      () => frames > before + 3 && sup.state === 'streaming',
      10_000,
    );
    expect(lines().some((l) => l.msg === 'stream down; reconnecting')).toBe(true);
  } finally {
    await sup.stop();
  }
  expect(sup.state).toBe('stopped');
}, 30_000);
