import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SEGMENT_SECONDS, SegmentRing } from '../../../services/clips/segment-ring';
import { clipWindow } from '../../../services/clips/clip-service';
import { parseDuration } from '../../../services/clips/clip-writer';
import { tempDir } from '../../helpers/media';

const opening = (file: string) => `[segment @ 0x55d8a070a880] Opening '${file}' for writing`;

/** A ring fed ffmpeg's stderr lines by hand, a segment every 2 s from t = 0, files on disk. */
function ringWith(keepMs: number, segments: number) {
  const ring = new SegmentRing(path.join(tempDir('vigil-ring-'), 'ring'), keepMs);
  ring.outputOptions('copy');
  const files: string[] = [];
  for (let i = 0; i < segments; i++) {
    const f = path.join(ring.dir, `r1-${String(i).padStart(6, '0')}.ts`);
    writeFileSync(f, 'x');
    files.push(f);
    expect(ring.onStderr(opening(f), i * SEGMENT_SECONDS * 1000)).toBe(true);
  }
  return { ring, files };
}

describe('SegmentRing', () => {
  test('times segments by when ffmpeg opens them; other stderr lines are not its own', () => {
    const { ring } = ringWith(60_000, 3);
    expect(ring.onStderr('frame=  35 fps=5.0 q=-0.0', 7000)).toBe(false);
    expect(ring.closedBetween(0, 10_000).map((s) => [s.startMs, s.endMs])).toEqual([
      [0, 2000],
      [2000, 4000],
    ]);
    expect(ring.covers(4000)).toBe(true);
    expect(ring.covers(4001)).toBe(false); // the open segment is not complete
    ring.onExit(5000);
    expect(ring.covers(5000)).toBe(true);
    expect(ring.running).toBe(false);
  });

  test('deletes what is older than its pre-roll, but keeps what an incident holds until released', () => {
    const { ring, files } = ringWith(5000, 4); // [0,2] [2,4] [4,6] [6,...
    ring.hold('incident', 1000, 3000); // overlaps the first two
    const last = path.join(ring.dir, 'r1-000004.ts');
    writeFileSync(last, 'x');
    ring.onStderr(opening(last), 20_000); // [6,20] closes; [4,6] is older than 5 s
    expect(files.map(existsSync)).toEqual([true, true, false, true]);
    ring.release('incident', 20_000);
    expect(files.map(existsSync)).toEqual([false, false, false, true]);
    expect(existsSync(last)).toBe(true); // still being written
  });

  test.each([
    ['an H.264 camera', 'h264 (High), yuv420p, 1920x1080, 25 fps, 25 tbr', true],
    ['an MPEG-4 file', 'msmpeg4v3 (MP43), yuv420p, 768x576, 10 fps', false],
  ])("reads the codec of the input, not of ffmpeg's outputs: %s", (_name, input, playable) => {
    const { ring } = ringWith(5000, 0);
    // ffmpeg's banner as it writes it: the input, then each output with its own streams.
    const banner = [
      "Input #0, rtsp, from 'rtsp://127.0.0.1:8554/cam':",
      '  Duration: N/A, start: 0.066667, bitrate: N/A',
      `  Stream #0:0: Video: ${input}`,
      "Output #1, tee, to '[f=segment]r1-%06d.ts|[f=null]-':",
      `  Stream #1:0: Video: ${input}`,
      'Stream mapping:',
      '  Stream #0:0 -> #0:0 (h264 (native) -> rawvideo (native))',
      "Output #0, rawvideo, to 'pipe:1':",
      '  Stream #0:0: Video: rawvideo (RGB[24] / 0x18424752), rgb24, 320x240, q=2-31, 10 fps',
    ];
    for (const line of banner) expect(ring.onStderr(line, 10)).toBe(false);
    expect(ring.sourceCodec).toBe(input.split(' ')[0]);
    expect(ring.playable).toBe(playable);
    ring.outputOptions('h264');
    expect(ring.playable).toBe(true);
  });

  test('its ffmpeg output: a tee whose segment slave may fail without stopping the analysis', () => {
    const { ring } = ringWith(5000, 0);
    const copy = ring.outputOptions('copy');
    expect(copy).toEqual(expect.arrayContaining(['-c:v', 'copy', '-f', 'tee']));
    expect(copy.at(-1)).toMatch(/^\[f=segment:.*onfail=ignore\].*r\d+-%06d\.ts\|\[f=null\]-$/);
    expect(ring.outputOptions('h264')).toEqual(expect.arrayContaining(['libx264', 'ultrafast']));
  });

  test('refuses a folder whose name the tee muxer would misread', () => {
    expect(() => new SegmentRing(path.join(tempDir('vigil-ring-'), 'a|b'), 1000)).toThrow(
      /VIGIL_ERR_CONFIG_INVALID|tee muxer/,
    );
  });
});

describe('clipWindow', () => {
  const o = { preRollSeconds: 5, postRollSeconds: 5, maxSeconds: 60 };
  test('pre-roll before the start, post-roll after the end', () => {
    expect(clipWindow(10_000, 16_000, 30_000, o)).toEqual({ fromMs: 5000, toMs: 35_000 });
  });
  test('a long incident: the 60 s around the moment the alert fired', () => {
    expect(clipWindow(0, 300_000, 900_000, o)).toEqual({ fromMs: 270_000, toMs: 330_000 });
  });
  test('never earlier than the pre-roll', () => {
    expect(clipWindow(0, 10_000, 900_000, o)).toEqual({ fromMs: -5000, toMs: 55_000 });
  });
});

test('parseDuration reads the last progress line of ffmpeg', () => {
  expect(parseDuration('frame=1 time=00:00:01.00 x\nframe=9 time=00:01:02.50 bitrate=')).toBe(62.5);
  expect(parseDuration('nothing')).toBeUndefined();
});
