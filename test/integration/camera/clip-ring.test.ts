import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { h264Clip } from '../../../scripts/peers/h264-clip';
import { resolveFfmpeg } from '../../../services/camera/ffmpeg-binary';
import { FfmpegProcess } from '../../../services/camera/ffmpeg-process';
import { writeClip } from '../../../services/clips/clip-writer';
import { SegmentRing } from '../../../services/clips/segment-ring';
import { captureLogger } from '../../helpers/logger';
import { requireVtest, tempDir } from '../../helpers/media';

const OUT = { width: 384, height: 288, fps: 5 };

/** The analysis ffmpeg with its ring for `ms`; answers the frames it delivered. */
async function run(source: string, ring: SegmentRing, ms: number) {
  const { log } = captureLogger();
  const proc = new FfmpegProcess(
    resolveFfmpeg(),
    { url: source, loop: true, realtime: true, rtspTransport: 'tcp', ioTimeoutSeconds: 10 },
    OUT,
    log,
    ring.sideOutput('copy', Date.now),
  );
  let frames = 0;
  proc.start();
  const pump = (async () => {
    for await (const f of proc.frames()) frames += f.length > 0 ? 1 : 0;
  })();
  await new Promise((r) => setTimeout(r, ms));
  const alive = (await Promise.race([proc.exited, Promise.resolve('running')])) === 'running';
  await proc.stop();
  await pump;
  return { frames, alive };
}

/** The clip ring is a second output of the analysis ffmpeg: a real H.264 source, copied. */
describe('the clip ring in the analysis ffmpeg', () => {
  const dir = tempDir('vigil-ring-');
  const h264 = h264Clip({
    input: requireVtest(),
    dir,
    width: 768,
    height: 576,
    fps: 10,
    seconds: 20,
  });

  test('an H.264 camera: frames flow, 2 s segments are copied, and they join into an H.264 MP4', async () => {
    const ring = new SegmentRing(path.join(dir, 'ring'), 60_000);
    const { frames } = await run(h264, ring, 7000);
    expect(frames).toBeGreaterThanOrEqual(25); // 5 fps for about 7 s
    const segments = ring.closedBetween(0, Date.now());
    expect(segments.length).toBeGreaterThanOrEqual(2);
    for (const s of segments) expect(s.endMs! - s.startMs).toBeGreaterThan(500);
    const clip = await writeClip(resolveFfmpeg(), segments, path.join(dir, 'clip.mp4'));
    const probe = JSON.parse(
      execFileSync(
        'ffprobe',
        [
          '-v',
          'error',
          '-show_entries',
          'stream=codec_name,width:format=duration',
          '-of',
          'json',
          clip.file,
        ],
        { encoding: 'utf8' },
      ),
    ) as { streams: { codec_name: string; width: number }[]; format: { duration: string } };
    // Copied, not scaled: the camera's own 768 px wide H.264, not the 384 px analysis frames.
    expect(probe.streams[0]).toEqual({ codec_name: 'h264', width: 768 });
    const recorded = segments.reduce((t, s) => t + (s.endMs! - s.startMs), 0) / 1000;
    expect(Number(probe.format.duration)).toBeGreaterThan(recorded - 2.5);
    expect(clip.durationSeconds).toBeGreaterThan(1);
  }, 60_000);

  test('a ring folder that cannot be written stops the clips, never the analysis', async () => {
    const ring = new SegmentRing(path.join(dir, 'gone'), 60_000);
    rmSync(ring.dir, { recursive: true, force: true });
    const { frames, alive } = await run(h264, ring, 5000);
    expect(alive).toBe(true);
    expect(frames).toBeGreaterThanOrEqual(18);
    expect(ring.closedBetween(0, Date.now())).toEqual([]);
  }, 60_000);
});
