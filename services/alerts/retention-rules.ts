import path from 'node:path';
import type { Config } from '../config/schema';
import type { RetentionRule } from '../core/retention';

const DAY_MS = 86_400_000;

/** What is kept on the box, and for how long: snapshots, event clips, pose recordings. */
export function retentionRules(config: Config): RetentionRule[] {
  const a = config.alerts;
  const b = config.behaviour;
  const at = (sub: string) => path.join(config.dataDir, sub);
  const MB = 2 ** 20;
  return [
    {
      what: 'snapshots',
      dir: at('snapshots'),
      ext: '.jpg',
      maxAgeMs: a.retentionDays * DAY_MS,
      maxBytes: a.retentionMaxMB * MB,
    },
    {
      what: 'event clips',
      dir: at('clips'),
      ext: '.mp4',
      maxAgeMs: a.clipRetentionDays * DAY_MS,
      maxBytes: a.clipRetentionMaxMB * MB,
      skip: ['ring'],
    },
    {
      what: 'pose recordings',
      dir: at('pose-tracks'),
      ext: '.json',
      maxAgeMs: b.poseRetentionDays * DAY_MS,
      maxBytes: b.poseRetentionMaxMB * MB,
    },
  ];
}
