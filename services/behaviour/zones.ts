import type { ZoneConfig, ZoneKind } from '../config/schema';
import type { Point } from './geometry';
import { pointInPolygon } from './geometry';

/** A zone in pixels of the analysis frame. The one place normalised config becomes pixels. */
export interface PixelZone {
  id: string;
  name: string;
  kind: ZoneKind;
  polygon: Point[];
  loitering: ZoneConfig['loitering'];
}

export function toPixelZone(zone: ZoneConfig, width: number, height: number): PixelZone {
  return {
    id: zone.id,
    name: zone.name || zone.id,
    kind: zone.kind,
    polygon: zone.polygon.map(([x, y]) => ({ x: x * width, y: y * height })),
    loitering: zone.loitering,
  };
}

export function zonesContaining(zones: readonly PixelZone[], p: Point): PixelZone[] {
  return zones.filter((z) => pointInPolygon(p, z.polygon));
}
