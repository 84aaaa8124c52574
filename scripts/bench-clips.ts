import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { resolveFfmpeg } from '../services/camera/ffmpeg-binary';
import { FfmpegProcess } from '../services/camera/ffmpeg-process';
import type { InputSpec } from '../services/camera/ffmpeg-args';
import { writeClip } from '../services/clips/clip-writer';
import { SegmentRing } from '../services/clips/segment-ring';
import type { ClipCodec } from '../services/clips/segment-ring';
import { repoRoot } from '../services/core/package-info';
import { createRootLogger } from '../services/core/logger';
import { h264Clip } from './peers/h264-clip';
import { childPids, cpuSeconds } from './peers/proc-stats';
import { RtspPeer, rtspPeerUnavailable } from './peers/rtsp-peer';

/**
 * npm run bench:clips: what event clips cost a camera. The analysis ffmpeg as the daemon runs it
 * (decode, 5 fps, 768x576 rgb24 frames drained here), without and with its clip ring, in turns on
 * the same stream: a 1080p15 H.264 camera served over RTSP by the GStreamer peer (stream copy),
 * and vtest.avi itself (MS-MPEG4: the ring re-encodes to H.264). Also: the copy alone (its upper
 * bound), disk per hour, the ring's size, and the time to join a 20 s clip. Ends with one JSON line.
 *
 *   npm run bench:clips -- [--seconds 30] [--rounds 2] [--source rtsp|file]
 */
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    rounds: { type: 'string', default: '2' },
    source: { type: 'string', default: 'rtsp' },
  },
});
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const ANALYSIS = { width: 768, height: 576, fps: 5 };
const log = createRootLogger('warn');
const bin = resolveFfmpeg();
const work = path.join(os.tmpdir(), 'vigil-bench');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

function input(url: string): InputSpec {
  return { url, loop: true, realtime: true, rtspTransport: 'tcp', ioTimeoutSeconds: 10 };
}

/** One run of the analysis ffmpeg: CPU % of a core over the window after a 5 s warm-up. */
async function analysisRun(url: string, ring?: { ring: SegmentRing; codec: ClipCodec }) {
  const before = new Set(childPids(process.pid));
  const proc = new FfmpegProcess(
    bin,
    input(url),
    ANALYSIS,
    log,
    ring?.ring.sideOutput(ring.codec, Date.now),
  );
  proc.start();
  let frames = 0;
  const drain = (async () => {
    for await (const frame of proc.frames()) frames += frame.length > 0 ? 1 : 0;
  })();
  await sleep(5000);
  const pid = childPids(process.pid).find((p) => !before.has(p));
  if (pid === undefined) throw new Error(`ffmpeg did not start: ${proc.stderrTail().join(' | ')}`);
  const [c0, f0, t0] = [cpuSeconds(pid), frames, Date.now()];
  await sleep(SECONDS * 1000);
  const secs = (Date.now() - t0) / 1000;
  const cpuPct = (100 * (cpuSeconds(pid) - c0)) / secs;
  const fps = (frames - f0) / secs;
  await proc.stop();
  await drain;
  if (fps < ANALYSIS.fps * 0.9) throw new Error(`only ${round(fps)} fps: ${proc.stderrTail()}`);
  return { cpuPct, fps };
}

/** The ring's copy alone in its own ffmpeg (no decode): an upper bound of what copy adds. */
async function copyAlone(url: string, ring: SegmentRing) {
  const rtsp = url.startsWith('rtsp') ? ['-rtsp_transport', 'tcp'] : ['-re', '-stream_loop', '-1'];
  const proc = spawn(
    bin.path,
    ['-hide_banner', '-nostats', ...rtsp, '-i', url, ...ring.outputOptions('copy')],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d: string) => d.split('\n').forEach((l) => ring.onStderr(l, Date.now())));
  await sleep(5000);
  const [c0, t0] = [cpuSeconds(proc.pid!), Date.now()];
  await sleep(SECONDS * 1000);
  const cpuPct = (100 * (cpuSeconds(proc.pid!) - c0)) / ((Date.now() - t0) / 1000);
  proc.kill('SIGINT');
  await new Promise((r) => proc.once('exit', r));
  ring.onExit(Date.now());
  return cpuPct;
}

/** Bytes of the ring's segments on disk now. */
function ringBytes(ring: SegmentRing): number {
  return readdirSync(ring.dir)
    .filter((f) => f.endsWith('.ts'))
    .reduce((sum, f) => sum + statSync(path.join(ring.dir, f)).size, 0);
}

/** Without and with the ring, in turns (the box's noise falls on both alike). */
async function compare(url: string, codec: ClipCodec, dir: string) {
  const without: number[] = [];
  const withRing: number[] = [];
  const ring = new SegmentRing(dir, 40_000);
  let bytesPerHour = 0;
  let ringMB = 0;
  for (let r = 0; r < ROUNDS; r++) {
    process.stderr.write(`  round ${r + 1}: without the ring\n`);
    without.push((await analysisRun(url)).cpuPct);
    process.stderr.write(`  round ${r + 1}: with the ring (${codec})\n`);
    const t0 = Date.now();
    const run = analysisRun(url, { ring, codec });
    await sleep(5000 + (SECONDS * 1000) / 2);
    ringMB = ringBytes(ring) / 2 ** 20;
    withRing.push((await run).cpuPct);
    // The segments of this run still on disk (the ring keeps 40 s): their bytes per recorded hour.
    const segs = ring.closedBetween(t0, Date.now());
    const bytes = segs.reduce(
      (sum, s) => sum + (statSync(s.file, { throwIfNoEntry: false })?.size ?? 0),
      0,
    );
    const hours = segs.reduce((sum, s) => sum + (s.endMs! - s.startMs), 0) / 3_600_000;
    bytesPerHour = hours > 0 ? bytes / hours : 0;
  }
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
  return { without: mean(without), withRing: mean(withRing), bytesPerHour, ringMB, ring };
}

async function main(): Promise<void> {
  mkdirSync(work, { recursive: true });
  const vtest = path.join(repoRoot(), 'data/samples/vtest.avi');
  process.stderr.write('preparing the 1080p15 H.264 clip (cached in the temp dir)...\n');
  const h264 = h264Clip({
    input: vtest,
    dir: work,
    width: 1920,
    height: 1080,
    fps: 15,
    gop: 15,
    seconds: 80,
  });
  let peer: RtspPeer | undefined;
  let url = h264;
  if (values.source === 'rtsp') {
    const why = rtspPeerUnavailable();
    if (why) throw new Error(`${why} (or use --source file)`);
    peer = await RtspPeer.start({ mounts: { cam: h264 } });
    url = peer.url('cam');
  }
  try {
    process.stderr.write(`1080p15 H.264 camera (${values.source}), ring by stream copy\n`);
    const copy = await compare(url, 'copy', path.join(work, 'ring-copy'));
    const t0 = Date.now();
    const last = copy.ring.closedBetween(Date.now() - 25_000, Date.now());
    const clip = await writeClip(bin, last, path.join(work, 'bench-clip.mp4'));
    const joinMs = Date.now() - t0;
    process.stderr.write('the copy alone, in its own ffmpeg\n');
    const alone = await copyAlone(url, new SegmentRing(path.join(work, 'ring-alone'), 40_000));
    process.stderr.write('vtest.avi (MS-MPEG4, 768x576, 10 fps), ring encoded to H.264\n');
    const enc = await compare(vtest, 'h264', path.join(work, 'ring-h264'));
    const result = {
      bench: 'clips',
      cpus: os.availableParallelism(),
      seconds: SECONDS,
      rounds: ROUNDS,
      copy: {
        source: `1080p15 H.264, ${values.source}`,
        analysisCpuPct: round(copy.without),
        analysisWithRingCpuPct: round(copy.withRing),
        ringCpuPctOfCore: round(copy.withRing - copy.without),
        copyAloneCpuPctOfCore: round(alone),
        diskMBPerHour: Math.round(copy.bytesPerHour / 2 ** 20),
        ringMB: round(copy.ringMB, 1),
        joinClipMs: joinMs,
        clipSeconds: round(clip.durationSeconds, 1),
        clipMB: round(clip.bytes / 2 ** 20, 1),
      },
      encode: {
        source: 'vtest.avi 768x576 10 fps, libx264 ultrafast',
        analysisCpuPct: round(enc.without),
        analysisWithRingCpuPct: round(enc.withRing),
        ringCpuPctOfCore: round(enc.withRing - enc.without),
        diskMBPerHour: Math.round(enc.bytesPerHour / 2 ** 20),
      },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await peer?.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:clips failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
