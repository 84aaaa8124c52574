import path from 'node:path';
import { probeMedia, progressText } from '../../../services/analysis/probe-media';
import { resolveFfmpeg } from '../../../services/camera/ffmpeg-binary';

describe('analyze progress', () => {
  test('with a total: done, percent, rate and time left; without: frames and rate', () => {
    expect(progressText(250, 50_000, 1000)).toBe(
      '250/1000 frames (25 %), 5.00 frames/s, 2 min 30 s left',
    );
    expect(progressText(999, 100_000, 1000)).toBe(
      '999/1000 frames (100 %), 9.99 frames/s, 0 s left',
    );
    expect(progressText(10, 2000)).toBe('10 frames, 5.00 frames/s');
  });

  test("ffprobe reads the demo clip's length and rate; an unreadable file gives no total", () => {
    const ffmpeg = resolveFfmpeg().path;
    const clip = path.resolve(__dirname, '../../../data/samples/vtest.avi');
    const media = probeMedia(clip, ffmpeg);
    expect(media?.fps).toBe(10);
    expect(media!.durationS).toBeGreaterThan(70);
    expect(probeMedia(__filename, ffmpeg)).toBeUndefined();
  });
});
