import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * A file's duration and frame rate from ffprobe (next to the ffmpeg in use, else on PATH), for
 * progress with a total; undefined when ffprobe is missing or cannot read the file.
 */
export function probeMedia(
  file: string,
  ffmpegPath: string,
): { durationS: number; fps: number } | undefined {
  const beside = path.join(path.dirname(ffmpegPath), 'ffprobe');
  for (const bin of [beside, 'ffprobe']) {
    const r = spawnSync(
      bin,
      [
        '-v',
        'error',
        '-select_streams',
        'v:0',
        '-show_entries',
        'stream=r_frame_rate:format=duration',
        '-of',
        'json',
        file,
      ],
      { encoding: 'utf8', timeout: 10_000 },
    );
    if (r.error || r.status !== 0) continue;
    try {
      const j = JSON.parse(r.stdout) as {
        streams?: { r_frame_rate?: string }[];
        format?: { duration?: string };
      };
      const [num, den] = (j.streams?.[0]?.r_frame_rate ?? '0/1').split('/').map(Number);
      const durationS = Number(j.format?.duration);
      const fps = den ? num! / den : 0;
      if (durationS > 0 && fps > 0) return { durationS, fps };
    } catch {
      // unreadable answer: no total
    }
  }
  return undefined;
}

/** "1234/5000 frames, 12.3 frames/s, 5 min 2 s left" (without a total: frames and rate only). */
export function progressText(frames: number, elapsedMs: number, total?: number): string {
  const rate = frames / Math.max(0.001, elapsedMs / 1000);
  if (!total) return `${frames} frames, ${rate.toFixed(2)} frames/s`;
  const left = Math.max(0, total - frames) / Math.max(rate, 1e-6);
  const m = Math.floor(left / 60);
  const s = Math.round(left % 60);
  const pct = Math.min(100, Math.round((100 * frames) / total));
  return `${frames}/${total} frames (${pct} %), ${rate.toFixed(2)} frames/s, ${m > 0 ? `${m} min ` : ''}${s} s left`;
}
