import type { ZoneConfig, ZoneKind } from '../config/schema';
import type { Point } from '../core/geometry';
import { distanceToPolygonEdge, pointInPolygon } from '../core/geometry';

/** A zone in pixels of the analysis frame. The one place normalised config becomes pixels. */
export interface PixelZone {
  id: string;
  name: string;
  kind: ZoneKind;
  polygon: Point[];
  /** An occupant stays inside until this far outside the edge, pixels. */
  hysteresisPx: number;
  /** 0: off; else only time within this distance of where the person settled counts, pixels. */
  maxRadiusPx: number;
  loitering: ZoneConfig['loitering'];
  /** restricted: when entering is an intrusion (empty: always). */
  hours: ZoneConfig['hours'];
}

export function toPixelZone(zone: ZoneConfig, width: number, height: number): PixelZone {
  return {
    id: zone.id,
    name: zone.name || zone.id,
    kind: zone.kind,
    polygon: zone.polygon.map(([x, y]) => ({ x: x * width, y: y * height })),
    hysteresisPx: zone.hysteresis * width,
    maxRadiusPx: zone.loitering.maxRadius * width,
    loitering: zone.loitering,
    hours: zone.hours,
  };
}

/** Zones holding `p`; a zone in `occupied` keeps holding it up to its hysteresis outside the edge. */
export function zonesContaining(
  zones: readonly PixelZone[],
  p: Point,
  occupied: (z: PixelZone) => boolean = () => false,
): PixelZone[] {
  return zones.filter(
    (z) =>
      pointInPolygon(p, z.polygon) ||
      (z.hysteresisPx > 0 && occupied(z) && distanceToPolygonEdge(p, z.polygon) <= z.hysteresisPx),
  );
}
