import { Type } from '@sinclair/typebox';
import { obj, num } from './schema-parts';
import { EscalationSchema } from './push-schema';

/** The alert lifecycle, snapshots and delivery. Mounted by schema.ts. */

export const AlertsSchema = obj(
  {
    snapshotQuality: Type.Integer({
      minimum: 10,
      maximum: 100,
      default: 80,
      description: 'JPEG quality of snapshots.',
    }),
    snapshotWidth: Type.Integer({
      minimum: 0,
      maximum: 3840,
      default: 0,
      description:
        'Snapshot width in pixels (height keeps the aspect); 0: the analysis frame size.',
    }),
    updateIntervalSeconds: num(
      30,
      1,
      3600,
      'At most one update per incident this often, unless its severity rises.',
    ),
    zoneCooldownSeconds: num(
      30,
      0,
      86400,
      'After an incident ends, no new one for the same camera, zone and rule for this long.',
    ),
    personCooldownSeconds: num(
      300,
      0,
      86400,
      'The same person does not re-alert in the same zone and rule for this long.',
    ),
    retentionDays: num(7, 0.01, 3650, 'Snapshots older than this are deleted.'),
    retentionMaxMB: num(1024, 1, 1_000_000, 'Oldest snapshots are deleted beyond this total size.'),
    clipPreRollSeconds: num(5, 0, 30, 'An event clip starts this long before its incident.'),
    clipPostRollSeconds: num(5, 0, 30, 'And ends this long after it.'),
    clipMaxSeconds: num(
      60,
      10,
      600,
      'Longest clip; a longer incident gets the part around the moment its alert fired.',
    ),
    clipRingDir: Type.String({
      default: '',
      description:
        'Where the last seconds of each camera are kept (<this>/<camera>); empty: <dataDir>/clips/<camera>/ring. A tmpfs spares flash storage the stream’s writes.',
    }),
    clipRetentionDays: num(7, 0.01, 3650, 'Event clips older than this are deleted.'),
    clipRetentionMaxMB: num(
      8192,
      1,
      10_000_000,
      'Oldest event clips are deleted beyond this total size.',
    ),
    outboxMaxMB: num(
      256,
      1,
      100_000,
      'Undelivered MQTT messages kept on disk; beyond it the oldest are dropped (logged).',
    ),
    escalation: EscalationSchema,
  },
  'Alert lifecycle, snapshots and delivery.',
);
