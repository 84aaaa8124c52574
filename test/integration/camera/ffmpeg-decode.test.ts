import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { FfmpegProcess } from '../../../services/camera/ffmpeg-process';
import { resolveFfmpeg } from '../../../services/camera/ffmpeg-binary';
import { requireVtest, tempDir } from '../../helpers/media';
import { captureLogger } from '../../helpers/logger';

const ffmpeg = resolveFfmpeg();
const file = (url: string) => ({
  url,
  loop: false,
  realtime: false,
  rtspTransport: 'tcp' as const,
  ioTimeoutSeconds: 5,
});

async function decodeAll(proc: FfmpegProcess): Promise<Buffer[]> {
  const frames: Buffer[] = [];
  proc.start();
  for await (const f of proc.frames()) frames.push(f);
  return frames;
}

describe('real ffmpeg decoding', () => {
  test('system ffmpeg is preferred', () => {
    expect(ffmpeg.origin).toBe('system');
    expect(ffmpeg.version).toMatch(/\d/);
  });

  test('vtest.avi decodes to all 795 frames at the asked size, and its stream is described', async () => {
    const proc = new FfmpegProcess(
      ffmpeg,
      file(requireVtest()),
      { width: 96, height: 72, fps: undefined },
      captureLogger().log,
    );
    const frames = await decodeAll(proc);
    expect(frames).toHaveLength(795);
    expect(frames.every((f) => f.length === 96 * 72 * 3)).toBe(true);
    expect(proc.sourceInfo).toEqual({ codec: 'msmpeg4v3', width: 768, height: 576, fps: 10 });
    expect(await proc.exited).toMatchObject({ code: 0, requested: false });
  });

  test('the fps filter halves a 10 fps clip to 5 fps', async () => {
    const proc = new FfmpegProcess(
      ffmpeg,
      file(requireVtest()),
      { width: 64, height: 48, fps: 5 },
      captureLogger().log,
    );
    const n = (await decodeAll(proc)).length;
    expect(n).toBeGreaterThanOrEqual(396);
    expect(n).toBeLessThanOrEqual(400);
  });

  test('a corrupt file ends with an error and the stderr tail explains it', async () => {
    const bad = path.join(tempDir(), 'corrupt.avi');
    writeFileSync(bad, Buffer.alloc(50_000, 7));
    const proc = new FfmpegProcess(
      ffmpeg,
      file(bad),
      { width: 64, height: 48, fps: 5 },
      captureLogger().log,
    );
    expect(await decodeAll(proc)).toHaveLength(0);
    const exit = await proc.exited;
    expect(exit.error).toBeDefined();
    expect(exit.code).not.toBe(0);
    expect(proc.stderrTail().join('\n')).toMatch(/Invalid data|could not find|error/i);
  });

  test('stop() ends a real-time looping decode promptly with q', async () => {
    const proc = new FfmpegProcess(
      ffmpeg,
      { ...file(requireVtest()), loop: true, realtime: true },
      { width: 64, height: 48, fps: 5 },
      captureLogger().log,
    );
    proc.start();
    const it = proc.frames()[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    const t0 = Date.now();
    const exit = await proc.stop();
    expect(exit.requested).toBe(true);
    expect(Date.now() - t0).toBeLessThan(3000);
  });
});
