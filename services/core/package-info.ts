import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The repository root (holds package.json), from services/ under ts and dist/services/ alike. */
export function repoRoot(): string {
  for (const up of ['../..', '../../..']) {
    const dir = path.resolve(__dirname, up);
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: string;
      };
      if (pkg.name === 'vigil') return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  throw new Error('cannot find the vigil package.json above ' + __dirname);
}

export function packageVersion(): string {
  return (
    JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { version: string }
  ).version;
}
