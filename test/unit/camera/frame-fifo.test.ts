import { execFile } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { FrameFifo } from '../../../services/camera/frame-fifo';
import { FfmpegProcess } from '../../../services/camera/ffmpeg-process';
import { resolveFfmpeg } from '../../../services/camera/ffmpeg-binary';
import { captureLogger } from '../../helpers/logger';
import { tempDir } from '../../helpers/media';

const run = promisify(execFile);

test('bytes another process writes come out whole and in order, the last ones by drain() after it exited', async () => {
  const dir = tempDir('vigil-fifo-');
  const data = randomFillSync(Buffer.alloc(700_000)); // more than the pipe holds, and than a chunk
  const src = path.join(dir, 'src.bin');
  writeFileSync(src, data);
  const fifo = new FrameFifo(dir);
  const got: Buffer[] = [];
  // The chunk is a view of the fifo's one buffer: keep a copy, as the frame assembler does.
  fifo.read(
    (b) => got.push(Buffer.from(b)),
    (err) => {
      throw err;
    },
  );
  await run('sh', ['-c', `cat "${src}" > "${fifo.path}"`]);
  fifo.drain((b) => got.push(Buffer.from(b)));
  expect(Buffer.concat(got).equals(data)).toBe(true);
  fifo.close();
  fifo.close();
  expect(existsSync(fifo.path)).toBe(false);
});

test('a fifo nobody read from is removed on close', () => {
  const fifo = new FrameFifo(tempDir('vigil-fifo-'));
  expect(existsSync(fifo.path)).toBe(true);
  fifo.close();
  expect(existsSync(fifo.path)).toBe(false);
});

test('an ffmpeg run whose frame pipe cannot be made ends at once with the reason, and gives no frames', async () => {
  const missing = path.join(tempDir('vigil-fifo-'), 'missing');
  const tmpdir = jest.spyOn(os, 'tmpdir').mockReturnValue(missing);
  try {
    const proc = new FfmpegProcess(
      resolveFfmpeg(),
      { url: 'x.mp4', loop: false, realtime: false, rtspTransport: 'tcp', ioTimeoutSeconds: 5 },
      { width: 8, height: 6, fps: 5 },
      captureLogger().log,
    );
    proc.start();
    const exit = await proc.exited;
    expect(exit).toMatchObject({ code: null, requested: false });
    expect(exit.error).toMatch(/cannot make the frame pipe/);
    const frames: Buffer[] = [];
    for await (const f of proc.frames()) frames.push(f);
    expect(frames).toEqual([]);
  } finally {
    tmpdir.mockRestore();
  }
});
