import { spawnSync } from 'node:child_process';
import { VigilError } from '../core/errors';
import { ffmpegMajor } from './ffmpeg-args';

export interface FfmpegBinary {
  path: string;
  version: string;
  /** Major version (flags changed in 5.0). */
  major: number;
  origin: 'env' | 'system' | 'bundled';
}

function probe(path: string): { version: string; major: number } | undefined {
  const r = spawnSync(path, ['-version'], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0 || typeof r.stdout !== 'string') return undefined;
  return {
    version: /ffmpeg version (\S+)/.exec(r.stdout)?.[1] ?? 'unknown',
    major: ffmpegMajor(r.stdout),
  };
}

function bundledPath(): string | undefined {
  try {
    // Resolved lazily: the package is a fallback, its absence is not an error.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional fallback, loaded on demand
    return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}

/**
 * The ffmpeg to run: $VIGIL_FFMPEG if set, else the system's `ffmpeg` (Debian's 5.1, with the
 * hardware decoders the distribution enables), else the static build shipped by
 * @ffmpeg-installer/ffmpeg.
 */
export function resolveFfmpeg(env: NodeJS.ProcessEnv = process.env): FfmpegBinary {
  const candidates: [string | undefined, FfmpegBinary['origin']][] = [
    [env.VIGIL_FFMPEG, 'env'],
    ['ffmpeg', 'system'],
    [bundledPath(), 'bundled'],
  ];
  for (const [path, origin] of candidates) {
    if (!path) continue;
    const found = probe(path);
    if (found) return { path, ...found, origin };
    if (origin === 'env') {
      throw new VigilError('VIGIL_ERR_FFMPEG_MISSING', `VIGIL_FFMPEG=${path} does not run`);
    }
  }
  throw new VigilError(
    'VIGIL_ERR_FFMPEG_MISSING',
    'no ffmpeg: install Debian ffmpeg or npm i @ffmpeg-installer/ffmpeg',
  );
}
