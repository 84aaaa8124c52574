import { existsSync, readFileSync } from 'node:fs';
import type { Box } from '../../services/core/types';
import { PETS_GT } from './media';

export interface GtBox extends Box {
  id: number;
  /** false: heavily occluded, to be ignored. */
  active: boolean;
}

/** Ground-truth boxes of one gt frame (1-based), or undefined when ../shared is absent. */
export function petsGtFrame(frame: number): GtBox[] | undefined {
  if (!existsSync(PETS_GT)) return undefined;
  return readFileSync(PETS_GT, 'utf8')
    .split('\n')
    .map((l) => l.split(',').map(Number))
    .filter((v) => v[0] === frame)
    .map(([, id, x, y, w, h, flag]) => ({
      id: id!,
      x: x!,
      y: y!,
      w: w!,
      h: h!,
      active: flag !== 0,
    }));
}
