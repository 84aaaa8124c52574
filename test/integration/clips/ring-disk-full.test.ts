import path from 'node:path';
import { h264Clip } from '../../../scripts/peers/h264-clip';
import { resolveFfmpeg } from '../../../services/camera/ffmpeg-binary';
import { StreamSupervisor } from '../../../services/camera/stream-supervisor';
import { writeClip } from '../../../services/clips/clip-writer';
import { SegmentRing } from '../../../services/clips/segment-ring';
import { parseConfig } from '../../../services/config/load';
import { systemClock } from '../../../services/core/clock';
import { captureLogger } from '../../helpers/logger';
import { requireVtest, tempDir } from '../../helpers/media';
import { mountTinyTmpfs } from '../../helpers/tiny-tmpfs';
import { waitFor } from '../../helpers/wait';

const dir = tempDir('vigil-ring-full-');
const disk = mountTinyTmpfs(path.join(dir, 'disk'), 3 * 1024 * 1024);

/**
 * The clip ring on a real 3 MB tmpfs that fills up while the camera streams: the analysis goes
 * on, one coded warning, and once space returns the ring writes again by itself (no camera
 * restart by hand), with one line saying so.
 */
(disk ? describe : describe.skip)('the clip ring on a disk that fills up', () => {
  let sup: StreamSupervisor | undefined;

  afterAll(async () => {
    await sup?.stop();
    disk?.unmount();
  });

  test('a full disk stops the clips, never the frames; freed space brings them back', async () => {
    const clip = h264Clip({
      input: requireVtest(),
      dir,
      width: 320,
      height: 240,
      fps: 10,
      seconds: 20,
    });
    const cam = parseConfig({
      cameras: [
        {
          id: 'c',
          source: { url: clip, loop: true, realtime: true },
          analysis: { fps: 5, width: 96, height: 72 },
        },
      ],
    }).cameras[0]!;
    const { log, lines } = captureLogger();
    const ring = new SegmentRing(path.join(disk!.dir, 'ring'), 20_000);
    let frames = 0;
    sup = new StreamSupervisor(cam, resolveFfmpeg(), () => frames++, systemClock, log, {
      ring,
      codec: 'copy',
    });
    sup.start();
    await waitFor('a first segment', () => ring.closedBetween(0, Date.now()).length > 0, 30_000);

    disk!.fill();
    const failures = () => lines().filter((l) => l.code === 'VIGIL_ERR_CLIP_RING_FAILED');
    const [warning] = await waitFor(
      'the ring failing',
      () => failures().length > 0 && failures(),
      60_000,
    );
    expect(warning).toMatchObject({ level: 40, err: expect.stringMatching(/No space left/) });
    const atFailure = frames;
    await waitFor('frames after the failure', () => frames > atFailure + 5, 30_000);
    expect(sup.state).toBe('streaming');

    const freedAt = Date.now();
    disk!.free();
    const resumed = await waitFor(
      'a segment written after the space returned',
      () => {
        const after = ring.closedBetween(freedAt, Date.now()).filter((s) => s.startMs >= freedAt);
        return after.length > 0 && after;
      },
      90_000,
      200,
    );
    expect(lines().filter((l) => l.msg === 'clip ring writing again')).toHaveLength(1);
    expect(failures()).toHaveLength(1); // once per state change, not once per retry
    const out = await writeClip(resolveFfmpeg(), resumed, path.join(dir, 'after.mp4'));
    expect(out.bytes).toBeGreaterThan(0);
  }, 240_000);
});
