import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** H.264 as a camera sends it: main profile, no B-frames, a keyframe every `gop` frames. */
function x264Options(gop: number): string[] {
  return [
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-profile:v',
    'main',
    '-pix_fmt',
    'yuv420p',
    '-g',
    String(gop),
    '-bf',
    '0',
    '-an',
    '-movflags',
    '+faststart',
  ];
}

export interface ClipSpec {
  /** The source video (vtest.avi). */
  input: string;
  /** Where to write; the name is derived from the spec, so a cached clip is reused. */
  dir: string;
  width: number;
  height: number;
  fps: number;
  /** Seconds of the source to take (from the start). */
  seconds: number;
  /** The result repeats the clip this many times (a long stream with no encoding while served). */
  repeat?: number;
  /** Keyframe interval in frames; a reconnecting client waits at most this long for a picture. */
  gop?: number;
}

/**
 * Encodes a piece of the source to H.264 in MP4 once, for the RTSP peer to serve without
 * encoding (x264 while serving would eat the CPU a benchmark measures). Returns the file path.
 */
export function h264Clip(spec: ClipSpec): string {
  const repeat = spec.repeat ?? 1;
  const gop = spec.gop ?? spec.fps;
  const base = `${path.basename(spec.input, path.extname(spec.input))}-${spec.width}x${spec.height}-${spec.fps}fps-${spec.seconds}s-g${gop}`;
  const once = path.join(spec.dir, `${base}.mp4`);
  if (!existsSync(once))
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-i',
      spec.input,
      '-t',
      String(spec.seconds),
      '-vf',
      `fps=${spec.fps},scale=${spec.width}:${spec.height}`,
      ...x264Options(gop),
      once,
    ]);
  if (repeat <= 1) return once;
  const looped = path.join(spec.dir, `${base}-x${repeat}.mp4`);
  if (!existsSync(looped))
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-stream_loop',
      String(repeat - 1),
      '-i',
      once,
      '-c',
      'copy',
      '-movflags',
      '+faststart',
      looped,
    ]);
  return looped;
}

/**
 * An empty scene: vtest.avi's background (the per-pixel median of 100 frames spread over the
 * clip, which removes the walkers) held still with light temporal sensor noise, encoded like
 * h264Clip. What a shop camera sees after closing: the idle cost of a camera.
 */
export function emptySceneClip(spec: Omit<ClipSpec, 'repeat'>): string {
  const gop = spec.gop ?? spec.fps;
  const out = path.join(
    spec.dir,
    `empty-${spec.width}x${spec.height}-${spec.fps}fps-${spec.seconds}s-g${gop}.mp4`,
  );
  if (existsSync(out)) return out;
  const bg = path.join(spec.dir, 'empty-background.png');
  if (!existsSync(bg))
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-i',
      spec.input,
      // 1 frame in 7, median over 101 of them: tmedian outputs 14 frames; take the middle one.
      '-vf',
      "select='not(mod(n,7))',setpts=N/TB,tmedian=radius=50,select='eq(n,7)'",
      '-frames:v',
      '1',
      bg,
    ]);
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-loop',
    '1',
    '-framerate',
    String(spec.fps),
    '-i',
    bg,
    '-t',
    String(spec.seconds),
    '-vf',
    `scale=${spec.width}:${spec.height},noise=alls=3:allf=t,format=yuv420p`,
    ...x264Options(gop),
    out,
  ]);
  return out;
}
