import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { FrameAssembler } from '../../services/camera/frame-assembler';
import { TamperDetector } from '../../services/pipeline/tamper-detector';
import type { TamperEvent } from '../../services/pipeline/tamper-detector';

/**
 * Runs the tamper detector on a video file as the daemon would see it (analysis size, 5 fps),
 * through an optional ffmpeg filter, as fast as ffmpeg decodes; frame times are video times.
 * Prints each event, then one JSON line: {frames, events}. Used by the tamper tests (in a plain
 * node process: jest's vm context runs its pixel loops ~40x slower).
 *
 *   node dist/scripts/peers/tamper-replay.js --input vtest.avi [--filter <vf>] [--seconds 35]
 *     [--loops 0] [--hold 3] [--clear 5]
 */
const { values } = parseArgs({
  options: {
    input: { type: 'string' },
    filter: { type: 'string', default: '' },
    seconds: { type: 'string', default: '35' },
    loops: { type: 'string', default: '0' },
    hold: { type: 'string', default: '3' },
    clear: { type: 'string', default: '5' },
    width: { type: 'string', default: '768' },
    height: { type: 'string', default: '576' },
    fps: { type: 'string', default: '5' },
  },
});

async function main(): Promise<void> {
  if (!values.input) throw new Error('--input is required');
  const [width, height, fps] = [Number(values.width), Number(values.height), Number(values.fps)];
  const vf = [values.filter, `fps=${fps}`, `scale=${width}:${height}`].filter(Boolean).join(',');
  const proc = spawn(
    'ffmpeg',
    [
      ...['-v', 'error', '-stream_loop', values.loops, '-i', values.input, '-t', values.seconds],
      ...['-vf', vf, '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1'],
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const detector = new TamperDetector({
    holdSeconds: Number(values.hold),
    clearSeconds: Number(values.clear),
    relearnMinutes: 10,
  });
  const frames = new FrameAssembler(width * height * 3);
  const events: TamperEvent[] = [];
  let n = 0;
  for await (const chunk of proc.stdout as AsyncIterable<Buffer>)
    for (const rgb of frames.push(chunk)) {
      const e = detector.push(rgb, width, height, (n++ * 1000) / fps);
      if (e) {
        events.push(e);
        process.stdout.write(`${JSON.stringify(e)}\n`);
      }
    }
  const code = await new Promise<number | null>((r) => proc.once('close', r));
  if (code !== 0) throw new Error(`ffmpeg exited with ${code}`);
  process.stdout.write(`${JSON.stringify({ frames: n, events: events.length })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`tamper-replay failed: ${(err as Error).message}\n`);
  process.exit(1);
});
