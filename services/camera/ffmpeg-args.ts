/** Pure construction of ffmpeg arguments for one camera input. No side effects. */

export interface InputSpec {
  url: string;
  loop: boolean;
  realtime: boolean;
  rtspTransport: 'tcp' | 'udp';
  /** Socket timeout for network sources, seconds (ffmpeg 5.1 `-timeout`, microseconds). */
  ioTimeoutSeconds: number;
  hwaccel?: 'none' | 'cuda' | 'nvv4l2' | 'nvmpi';
  codec?: 'h264' | 'hevc';
  /** Decoder threads; 0 or undefined: ffmpeg's default (auto). */
  decodeThreads?: number;
}

/** Decoder options per hardware preset; only `none` runs on our test machines. */
export function decoderOptions(spec: Pick<InputSpec, 'hwaccel' | 'codec'>): string[] {
  const codec = spec.codec ?? 'h264';
  switch (spec.hwaccel ?? 'none') {
    case 'cuda':
      return ['-hwaccel', 'cuda'];
    case 'nvv4l2':
      return ['-c:v', `${codec}_nvv4l2dec`];
    case 'nvmpi':
      return ['-c:v', `${codec}_nvmpi`];
    default:
      return [];
  }
}

export interface OutputSpec {
  width: number;
  height: number;
  /** Frames per second after ffmpeg's fps filter; undefined keeps every decoded frame. */
  fps: number | undefined;
}

export function isNetworkUrl(url: string): boolean {
  return /^(rtsps?|https?|rtmp|srt|udp|tcp):\/\//i.test(url);
}

/**
 * The major version from ffmpeg's `-version` banner: `5.1.9-0+deb12u1` -> 5, `n4.4.2` -> 4. Git
 * snapshots (`N-47683-g0e8eb07980`) carry no number: their copyright year dates them (5.0 came
 * out in January 2022).
 */
export function ffmpegMajor(banner: string): number {
  const m = /ffmpeg version n?(\d+)\./.exec(banner);
  if (m) return Number(m[1]);
  const year = /Copyright \(c\) \d{4}-(\d{4})/.exec(banner)?.[1];
  return year !== undefined && Number(year) < 2022 ? 4 : 5;
}

/**
 * `ffmpegMajorVersion` picks the socket-timeout flag: `-timeout` since ffmpeg 5; 4.x (Ubuntu
 * 20.04, the bundled static build) calls it `-stimeout` and reads `-timeout` as a listen timeout.
 */
export function inputOptions(spec: InputSpec, ffmpegMajorVersion = 5): string[] {
  const opts = ['-hide_banner', '-loglevel', 'info', '-nostats'];
  if (/^rtsps?:\/\//i.test(spec.url)) {
    opts.push('-rtsp_transport', spec.rtspTransport);
    const flag = ffmpegMajorVersion > 0 && ffmpegMajorVersion < 5 ? '-stimeout' : '-timeout';
    opts.push(flag, String(Math.round(spec.ioTimeoutSeconds * 1_000_000)));
    // A live stream needs no long probe: ~0.5 s to the first frame instead of ~3 s.
    opts.push('-probesize', '32');
  }
  opts.push(...decoderOptions(spec));
  if (spec.decodeThreads) opts.push('-threads', String(spec.decodeThreads));
  if (!isNetworkUrl(spec.url)) {
    if (spec.realtime) opts.push('-re');
    if (spec.loop) opts.push('-stream_loop', '-1');
  }
  return opts;
}

export function outputOptions(spec: OutputSpec): string[] {
  const filters = [];
  if (spec.fps !== undefined) filters.push(`fps=${spec.fps}`);
  filters.push(`scale=${spec.width}:${spec.height}`);
  return ['-an', '-sn', '-dn', '-vf', filters.join(','), '-pix_fmt', 'rgb24', '-f', 'rawvideo'];
}

export interface SourceInfo {
  width: number;
  height: number;
  fps: number | undefined;
  codec: string;
}

/** Reads the input video stream's size, rate and codec from ffmpeg's banner line. */
export function parseSourceInfo(stderrLine: string): SourceInfo | undefined {
  const m = /Stream #0:\d+.*?: Video: (\w+).*?, (\d{2,5})x(\d{2,5})[ ,]/.exec(stderrLine);
  if (!m) return undefined;
  const fps = /, ([\d.]+) (?:fps|tbr)/.exec(stderrLine)?.[1];
  return {
    codec: m[1]!,
    width: Number(m[2]),
    height: Number(m[3]),
    fps: fps ? Number(fps) : undefined,
  };
}
