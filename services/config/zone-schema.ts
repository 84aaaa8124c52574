import { Type } from '@sinclair/typebox';
import { strict, obj, oneOf, Id } from './schema-parts';

/** Zones of a camera: their polygon, kind, quiet hours and loitering rule. Mounted by schema.ts. */

export const PointSchema = Type.Tuple(
  [Type.Number({ minimum: 0, maximum: 1 }), Type.Number({ minimum: 0, maximum: 1 })],
  { description: 'A point [x, y] in normalised frame coordinates (0-1, origin top-left).' },
);

export const LoiteringSchema = obj(
  {
    enabled: Type.Boolean({ default: true, description: 'Raise loitering alerts in this zone.' }),
    dwellSeconds: Type.Number({
      minimum: 1,
      maximum: 86400,
      default: 30,
      description: 'Seconds a person must stay in the zone (frame timestamps) before an alert.',
    }),
    graceSeconds: Type.Number({
      minimum: 0,
      maximum: 600,
      default: 3,
      description: 'A brief exit or occlusion shorter than this does not reset the dwell time.',
    }),
    maxRadius: Type.Number({
      minimum: 0,
      maximum: 1,
      default: 0,
      description:
        'If > 0, only time spent within this distance (fraction of frame width) of where the person settled counts: pacing in place, not walking through. 0: off.',
    }),
  },
  'Loitering rule for this zone.',
);

const HHMM = Type.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  description: 'Local time HH:MM.',
});

export const QuietHoursSchema = Type.Array(
  Type.Object({ from: HHMM, to: HHMM }, { additionalProperties: false }),
  {
    default: [],
    maxItems: 16,
    description:
      'Daily windows (local time, may cross midnight) when alerts are recorded but not published.',
  },
);

export const ZoneKindSchema = oneOf(
  ['general', 'shelf', 'checkout', 'exit', 'restricted'],
  'general',
  'What the zone is; rules use it (e.g. shelves).',
);

export const ZoneSchema = Type.Object(
  {
    id: Id('Zone id, unique within its camera; used in MQTT payloads.'),
    name: Type.String({ maxLength: 120, default: '', description: 'Human name for summaries.' }),
    kind: ZoneKindSchema,
    polygon: Type.Array(PointSchema, {
      minItems: 3,
      maxItems: 64,
      description: 'Polygon vertices in normalised coordinates, at least 3.',
    }),
    loitering: LoiteringSchema,
    quietHours: QuietHoursSchema,
    hours: Type.Array(Type.Object({ from: HHMM, to: HHMM }, { additionalProperties: false }), {
      default: [],
      maxItems: 16,
      description:
        'restricted zones: the daily windows (local time) when entering raises an intrusion; empty: always.',
    }),
    hysteresis: Type.Number({
      minimum: 0,
      maximum: 0.2,
      default: 0.02,
      description:
        'A person inside stays inside until their foot point is this far out (fraction of frame width): no flicker at the edge.',
    }),
  },
  { ...strict, description: 'A named area of one camera.' },
);
