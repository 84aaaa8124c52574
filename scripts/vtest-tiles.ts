import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { resolveFfmpeg } from '../services/camera/ffmpeg-binary';
import { repoRoot } from '../services/core/package-info';
import { letterboxInput } from '../services/pose/movenet-input';
import { cropRgb } from '../services/pose/regions';
import { tileRegions } from '../services/pose/tiled-estimator';

const WIDTH = 768;
const HEIGHT = 576;

/**
 * Model inputs as the daemon's default (accurate) profile makes them from vtest.avi: the decoded
 * frames `first`, `first + step`, ... (0-based, below `end`), each cut into 2x2 tiles with 0.2
 * overlap and letterboxed into inW x inH int32 tensors.
 */
export function vtestTileInputs(
  first: number,
  end: number,
  step: number,
  inW: number,
  inH: number,
): Int32Array[] {
  const video = path.join(repoRoot(), 'data/samples/vtest.avi');
  if (!existsSync(video)) throw new Error(`${video} is missing: run npm run sample`);
  const select = `select='between(n\\,${first}\\,${end - 1})*not(mod(n-${first}\\,${step}))'`;
  const r = spawnSync(
    resolveFfmpeg().path,
    [
      '-v',
      'error',
      '-i',
      video,
      '-vf',
      select,
      '-vsync',
      '0',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ],
    { maxBuffer: 1 << 30 },
  );
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${String(r.stderr)}`);
  const size = WIDTH * HEIGHT * 3;
  const out: Int32Array[] = [];
  for (let o = 0; o + size <= r.stdout.length; o += size) {
    const image = {
      width: WIDTH,
      height: HEIGHT,
      rgb: new Uint8Array(r.stdout.subarray(o, o + size)),
    };
    for (const t of tileRegions(WIDTH, HEIGHT, { cols: 2, rows: 2, overlap: 0.2 }))
      out.push(letterboxInput(cropRgb(image, t), inW, inH).input);
  }
  return out;
}
