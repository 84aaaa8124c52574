import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO = path.resolve(__dirname, '../..');
export const VTEST = path.join(REPO, 'data/samples/vtest.avi');
export const SHARED = path.resolve(REPO, '../shared/data');
export const PETS_GT = path.join(SHARED, 'pets09-s2l1/gt-frames-1-400.txt');

/** The demo clip must be there: `npm run test:integration` fetches it first (scripts/fetch-sample.js). */
export function requireVtest(): string {
  if (!existsSync(VTEST))
    throw new Error(
      `${VTEST} is missing: run \`npm run sample\` (fetches it from Debian's opencv-doc)`,
    );
  return VTEST;
}

export function tempDir(prefix = 'vigil-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Cuts frames [start, start + count) of vtest.avi into a small MPEG-4 file with real ffmpeg. */
export function vtestClip(start: number, count: number, dir = tempDir()): string {
  const out = path.join(dir, `vtest-${start}-${count}.avi`);
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-i',
    requireVtest(),
    '-vf',
    `select=gte(n\\,${start})`,
    '-frames:v',
    String(count),
    '-c:v',
    'mpeg4',
    '-q:v',
    '3',
    '-an',
    out,
  ]);
  return out;
}

/** Decodes one frame of vtest.avi (0-based) to rgb24 at the given size. */
export function vtestFrame(index: number, width = 768, height = 576): Buffer {
  return execFileSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-i',
      requireVtest(),
      '-vf',
      `select=eq(n\\,${index}),scale=${width}:${height}`,
      '-frames:v',
      '1',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ],
    { maxBuffer: 64 << 20 },
  );
}
