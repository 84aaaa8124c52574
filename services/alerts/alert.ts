import type { Box } from '../core/types';
import type { RuleEvent } from '../behaviour/rule-event';
import type { Ack } from './alert-state-store';
import type { AlertPayload, Severity } from './payload-schemas';

export type { AlertPayload } from './payload-schemas';

export interface NormalisedBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface CameraRef {
  id: string;
  name: string;
  width: number;
  height: number;
  /** Full-resolution stills for evidence (source.snapshotUrl); empty: none. */
  snapshotUrl?: string;
  /** Pixelate heads in what leaves the box (privacy.blurHeads; default true). */
  blurHeads?: boolean;
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

type SummaryFields = Pick<
  AlertPayload,
  'type' | 'rule' | 'cameraName' | 'zoneName' | 'trackId' | 'durationSeconds' | 'severity'
>;

export function summarise(a: SummaryFields): string {
  const secs = Math.round(a.durationSeconds);
  const rule = a.rule.toUpperCase();
  if (a.rule === 'intrusion')
    return a.type === 'end'
      ? `${rule} ended: person #${a.trackId} left "${a.zoneName}" on ${a.cameraName} after ${secs}s`
      : `${rule} (${a.severity}): person #${a.trackId} entered the restricted "${a.zoneName}" on ${a.cameraName}`;
  if (a.rule === 'walkout')
    return a.type === 'end'
      ? `${rule} ended: person #${a.trackId} out of sight at "${a.zoneName}" on ${a.cameraName}`
      : `${rule} (${a.severity}): person #${a.trackId} concealed goods and reached "${a.zoneName}" without passing a checkout, on ${a.cameraName}`;
  if (a.rule === 'concealment') {
    const what = a.type === 'end' ? 'ended' : `(${a.severity})`;
    return `${rule} ${what}: person #${a.trackId} moved a hand from "${a.zoneName}" to their body and kept it there, on ${a.cameraName}`;
  }
  if (a.type === 'start')
    return `${rule} person #${a.trackId} has stayed ${secs}s in "${a.zoneName}" on ${a.cameraName}`;
  if (a.type === 'update')
    return `${rule} (${a.severity}) person #${a.trackId} still in "${a.zoneName}" on ${a.cameraName} after ${secs}s`;
  return `${rule} ended: person #${a.trackId} left "${a.zoneName}" on ${a.cameraName} after ${secs}s`;
}

export interface AlertMessage {
  id: string;
  type: AlertPayload['type'];
  seq: number;
  severity: Severity;
  ack: Ack | null;
  snapshot: string | null;
  snapshotTopic: string | null;
  fullSnapshotTopic?: string;
  /** Start only: the person's crop (path relative to dataDir), null when it failed. */
  crop?: string | null;
}

export function buildAlert(msg: AlertMessage, cam: CameraRef, e: RuleEvent): AlertPayload {
  const base = {
    schemaVersion: 1 as const,
    id: msg.id,
    type: msg.type,
    seq: msg.seq,
    camera: cam.id,
    cameraName: cam.name || cam.id,
    rule: e.rule,
    zone: e.zoneId,
    zoneName: e.zoneName,
    trackId: e.trackId,
    severity: msg.severity,
    startedAt: new Date(e.startedAtMs).toISOString(),
    at: new Date(e.atMs).toISOString(),
    durationSeconds: Math.round(e.dwellMs / 100) / 10,
    score: round(Math.min(1, Math.max(0, e.score))),
    box: normaliseBox(e.person.box, cam.width, cam.height),
    path: e.path.map(
      (p) =>
        [
          round(Math.min(1, Math.max(0, p.x / cam.width))),
          round(Math.min(1, Math.max(0, p.y / cam.height))),
        ] as [number, number],
    ),
    snapshot: msg.snapshot,
    snapshotTopic: msg.snapshotTopic,
    ...(msg.fullSnapshotTopic ? { fullSnapshotTopic: msg.fullSnapshotTopic } : {}),
    ...(msg.crop !== undefined ? { crop: msg.crop } : {}),
    ack: msg.ack,
    evidence: e.evidence ?? null,
  };
  return { ...base, summary: summarise(base) };
}
