import { randomUUID } from 'node:crypto';
import type { Box } from '../core/types';
import type { RuleEvent } from '../behaviour/rule-event';

export const ALERT_SCHEMA_VERSION = 1;

export interface NormalisedBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The JSON published on vigil/<camera>/alerts. Documented in the README. */
export interface AlertPayload {
  schemaVersion: typeof ALERT_SCHEMA_VERSION;
  /** Stable per incident: the `start` and `end` of one incident share it. */
  id: string;
  type: 'start' | 'end';
  camera: string;
  cameraName: string;
  rule: RuleEvent['rule'];
  zone: string;
  zoneName: string;
  trackId: number;
  startedAt: string;
  /** Frame time of this message. */
  at: string;
  /** Seconds in the zone so far (start) or in all (end). */
  durationSeconds: number;
  score: number;
  box: NormalisedBox;
  /** Foot points in the zone, normalised, oldest first. */
  path: [number, number][];
  /** Snapshot JPEG of the start, relative to the data directory; null when it could not be made. */
  snapshot: string | null;
  summary: string;
}

export interface CameraRef {
  id: string;
  name: string;
  width: number;
  height: number;
}

const round = (v: number) => Math.round(v * 10000) / 10000;

export function normaliseBox(box: Box, width: number, height: number): NormalisedBox {
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  const x = clamp(box.x / width);
  const y = clamp(box.y / height);
  return {
    x: round(x),
    y: round(y),
    w: round(clamp((box.x + box.w) / width) - x),
    h: round(clamp((box.y + box.h) / height) - y),
  };
}

export function summarise(
  a: Pick<
    AlertPayload,
    'type' | 'rule' | 'cameraName' | 'zoneName' | 'trackId' | 'durationSeconds'
  >,
): string {
  const secs = Math.round(a.durationSeconds);
  if (a.type === 'start') {
    return `${a.rule.toUpperCase()} person #${a.trackId} has stayed ${secs}s in "${a.zoneName}" on ${a.cameraName}`;
  }
  return `${a.rule.toUpperCase()} ended: person #${a.trackId} left "${a.zoneName}" on ${a.cameraName} after ${secs}s`;
}

/** Keeps incident ids stable from `start` to `end`. */
export class AlertIds {
  private readonly open = new Map<string, string>();

  idFor(camera: string, e: RuleEvent): string {
    const key = `${camera}\u0000${e.rule}\u0000${e.zoneId}\u0000${e.trackId}`;
    let id = this.open.get(key);
    if (!id) {
      id = randomUUID();
      this.open.set(key, id);
    }
    if (e.type === 'end') this.open.delete(key);
    return id;
  }
}

export function buildAlert(
  id: string,
  cam: CameraRef,
  e: RuleEvent,
  snapshot: string | null,
): AlertPayload {
  const base = {
    schemaVersion: ALERT_SCHEMA_VERSION,
    id,
    type: e.type,
    camera: cam.id,
    cameraName: cam.name || cam.id,
    rule: e.rule,
    zone: e.zoneId,
    zoneName: e.zoneName,
    trackId: e.trackId,
    startedAt: new Date(e.startedAtMs).toISOString(),
    at: new Date(e.atMs).toISOString(),
    durationSeconds: Math.round(e.dwellMs / 100) / 10,
    score: round(e.score),
    box: normaliseBox(e.person.box, cam.width, cam.height),
    path: e.path.map((p) => [round(p.x / cam.width), round(p.y / cam.height)] as [number, number]),
    snapshot,
  } as const;
  return { ...base, summary: summarise(base) };
}
