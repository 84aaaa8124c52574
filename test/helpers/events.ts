import type { AlertPayload } from '../../services/alerts/payload-schemas';
import type { RuleEvent } from '../../services/behaviour/rule-event';
import { personAt } from './people';

/** A loitering rule event with sensible values; override what a test needs. */
export const ruleEvent = (type: RuleEvent['type'], over: Partial<RuleEvent> = {}): RuleEvent => ({
  type,
  rule: 'loitering',
  zoneId: 'till',
  zoneName: 'Till',
  trackId: 3,
  startedAtMs: Date.UTC(2026, 0, 1, 12, 0, 0),
  atMs: Date.UTC(2026, 0, 1, 12, 0, 31),
  dwellMs: 31_000,
  thresholdMs: 30_000,
  person: personAt(3, 400, 300),
  path: [{ x: 384, y: 288 }],
  score: 0.61234,
  ...over,
});

/** A loitering start as the daemon stores and sends it (number `n`: its id and track); override what a test needs. */
export const alertPayload = (n: number, over: Partial<AlertPayload> = {}): AlertPayload => ({
  schemaVersion: 1,
  id: `00000000-0000-4000-8000-00000000000${n}`,
  type: 'start',
  seq: 0,
  camera: 'cam',
  cameraName: 'Cam',
  rule: 'loitering',
  zone: 'z',
  zoneName: 'Zone',
  trackId: n,
  severity: 'low',
  startedAt: '2026-01-01T10:00:00.000Z',
  at: '2026-01-01T10:00:00.000Z',
  durationSeconds: 4,
  score: 0.9,
  box: { x: 0.1, y: 0.1, w: 0.2, h: 0.5 },
  path: [],
  snapshot: null,
  snapshotTopic: null,
  ack: null,
  evidence: null,
  summary: 'loitering',
  ...over,
});
