import type { Point } from '../../services/core/geometry';
import type { PixelZone } from '../../services/behaviour/zones';

/** The corners of an axis-aligned rectangle, clockwise from top-left. */
export const rect = (x0: number, y0: number, x1: number, y1: number): Point[] => [
  { x: x0, y: y0 },
  { x: x1, y: y0 },
  { x: x1, y: y1 },
  { x: x0, y: y1 },
];

/** A zone in pixels with rule settings off unless given. */
export function pixelZone(
  id: string,
  kind: PixelZone['kind'],
  polygon: Point[],
  loitering: Partial<PixelZone['loitering']> = {},
  hours: PixelZone['hours'] = [],
): PixelZone {
  return {
    id,
    name: id.charAt(0).toUpperCase() + id.slice(1),
    kind,
    polygon,
    hysteresisPx: 0,
    maxRadiusPx: 0,
    loitering: { enabled: false, dwellSeconds: 30, graceSeconds: 2, maxRadius: 0, ...loitering },
    hours,
  };
}
