import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { vtestClip } from './media';

/** A site config: the PETS clip's first 20 s on loop, people standing in the meeting point. */
export function siteConfig(
  dir: string,
  mqtt: object,
  api: number | Record<string, unknown>,
  dwellSeconds = 4,
  camera = 'square',
): { file: string; dataDir: string } {
  const dataDir = path.join(dir, 'data');
  const config = {
    logLevel: 'info',
    dataDir,
    api: typeof api === 'number' ? { host: '127.0.0.1', port: api } : { host: '127.0.0.1', ...api },
    mqtt,
    cameras: [
      {
        id: camera,
        name: camera === 'square' ? 'Campus square' : `Campus square (${camera})`,
        source: { url: vtestClip(0, 200, dir), loop: true, realtime: true },
        analysis: { fps: 5, width: 768, height: 576 },
        zones: [
          {
            id: 'meeting-point',
            name: 'Meeting point',
            polygon: [
              [0.45, 0.4],
              [0.63, 0.4],
              [0.63, 0.53],
              [0.45, 0.53],
            ],
            loitering: { dwellSeconds, graceSeconds: 2 },
          },
        ],
      },
    ],
  };
  const file = path.join(dir, 'site.yaml');
  writeFileSync(file, stringify(config));
  return { file, dataDir };
}
