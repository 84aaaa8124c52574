/** Construction of ffmpeg arguments for one camera input; only `ffmpegInput` writes a file. */
import { InputList, hasRtspLogin } from './input-list';

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
 * The RTSP demuxer's options as name/value pairs. `ffmpegMajorVersion` picks the socket-timeout
 * name: `timeout` since ffmpeg 5; 4.x (Ubuntu 20.04, the bundled static build) calls it
 * `stimeout` and reads `timeout` as a listen timeout.
 */
export function rtspOptions(spec: InputSpec, ffmpegMajorVersion = 5): [string, string][] {
  if (!/^rtsps?:\/\//i.test(spec.url)) return [];
  const timeout = ffmpegMajorVersion > 0 && ffmpegMajorVersion < 5 ? 'stimeout' : 'timeout';
  return [
    ['rtsp_transport', spec.rtspTransport],
    [timeout, String(Math.round(spec.ioTimeoutSeconds * 1_000_000))],
    // A live stream needs no long probe: ~0.5 s to the first frame instead of ~3 s.
    ['probesize', '32'],
  ];
}

/**
 * ffmpeg's input options. `rtspInList`: the RTSP options travel in an ffconcat list (see
 * InputList) instead of the command line.
 */
export function inputOptions(
  spec: InputSpec,
  ffmpegMajorVersion = 5,
  rtspInList = false,
): string[] {
  const opts = ['-hide_banner', '-loglevel', 'info', '-nostats'];
  if (!rtspInList)
    for (const [name, value] of rtspOptions(spec, ffmpegMajorVersion)) opts.push(`-${name}`, value);
  opts.push(...decoderOptions(spec));
  if (spec.decodeThreads) opts.push('-threads', String(spec.decodeThreads));
  if (!isNetworkUrl(spec.url)) {
    if (spec.realtime) opts.push('-re');
    if (spec.loop) opts.push('-stream_loop', '-1');
  }
  return opts;
}

/**
 * What goes in front of ffmpeg's `-i`, and the input itself: a URL with an RTSP login becomes an
 * ffconcat list so the password stays out of argv; the caller removes `list` once ffmpeg has read it.
 */
export function ffmpegInput(
  spec: InputSpec,
  ffmpegMajorVersion = 5,
): { options: string[]; input: string; list?: InputList } {
  if (!hasRtspLogin(spec.url))
    return { options: inputOptions(spec, ffmpegMajorVersion), input: spec.url };
  const list = new InputList(spec.url, rtspOptions(spec, ffmpegMajorVersion));
  return {
    options: [...inputOptions(spec, ffmpegMajorVersion, true), ...InputList.FORMAT_OPTIONS],
    input: list.path,
    list,
  };
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

/** Reads a video stream's size, rate and codec from one of ffmpeg's `Stream #` banner lines. */
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

/**
 * The camera's own video stream, from ffmpeg's stderr read line by line: the first video stream
 * listed under `Input #0`. Outputs list their streams with the same `Stream #` lines (the raw
 * rgb24 frames, the clip ring's copy), so a line is only read inside the input's section.
 */
export class InputBanner {
  private inInput = false;
  info: SourceInfo | undefined;

  read(line: string): SourceInfo | undefined {
    if (/^\s*Input #\d+, /.test(line)) this.inInput = true;
    else if (/^\s*(Output #\d+, |Stream mapping:)/.test(line)) this.inInput = false;
    else if (this.inInput && !this.info) this.info = parseSourceInfo(line);
    return this.info;
  }
}
