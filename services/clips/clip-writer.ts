import { execFile } from 'node:child_process';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { VigilError, errorMessage } from '../core/errors';
import type { FfmpegBinary } from '../camera/ffmpeg-binary';
import type { Segment } from './segment-ring';

export interface WrittenClip {
  file: string;
  bytes: number;
  /** The clip's length as ffmpeg wrote it. */
  durationSeconds: number;
}

const TIMEOUT_MS = 60_000;

/** ffmpeg's concat list: one `file` line per segment, quoted for the demuxer. */
function concatList(segments: readonly Segment[]): string {
  const quote = (f: string) => `'${f.replace(/'/g, "'\\''")}'`;
  return `ffconcat version 1.0\n${segments.map((s) => `file ${quote(s.file)}`).join('\n')}\n`;
}

/** The last `time=HH:MM:SS.cc` of ffmpeg's progress lines, in seconds. */
export function parseDuration(stderr: string): number | undefined {
  const all = [...stderr.matchAll(/time=(\d+):(\d{2}):(\d{2}(?:\.\d+)?)/g)];
  const m = all.at(-1);
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : undefined;
}

/**
 * Joins ring segments into one MP4 without re-encoding, its index in front (`+faststart`) so a
 * phone browser plays it while it downloads. Written beside `file` and renamed into place: a
 * clip on disk is always whole.
 */
export async function writeClip(
  ffmpeg: FfmpegBinary,
  segments: readonly Segment[],
  file: string,
): Promise<WrittenClip> {
  if (segments.length === 0)
    throw new VigilError('VIGIL_ERR_CLIP_FAILED', 'no recorded segment covers the incident');
  await mkdir(path.dirname(file), { recursive: true });
  const list = `${file}.ffconcat`;
  const tmp = `${file}.tmp.mp4`;
  await writeFile(list, concatList(segments), { mode: 0o600 });
  const args = [
    ...['-hide_banner', '-loglevel', 'error', '-stats', '-y'],
    ...['-f', 'concat', '-safe', '0', '-i', list],
    ...['-map', '0:v:0', '-c', 'copy', '-movflags', '+faststart', '-f', 'mp4', tmp],
  ];
  try {
    const stderr = await new Promise<string>((resolve, reject) => {
      execFile(ffmpeg.path, args, { timeout: TIMEOUT_MS, maxBuffer: 4 << 20 }, (err, _o, e) =>
        err
          ? reject(new Error(`${errorMessage(err)}: ${e.trim().split('\n').at(-1)}`))
          : resolve(e),
      );
    });
    await rename(tmp, file);
    const { size } = await stat(file);
    return { file, bytes: size, durationSeconds: parseDuration(stderr) ?? 0 };
  } catch (err) {
    await rm(tmp, { force: true });
    throw new VigilError('VIGIL_ERR_CLIP_FAILED', `clip not written: ${errorMessage(err)}`, {
      cause: err,
    });
  } finally {
    await rm(list, { force: true });
  }
}
