import { Type } from '@sinclair/typebox';
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { AckSchema, AlertPayloadSchema, FeedbackSchema } from './payload-schemas';
import type { AlertPayload, Feedback } from './payload-schemas';

/**
 * The shapes of what the alert side reads back from dataDir, one check per record: a record that
 * fails is set aside (VIGIL_ERR_STATE_CORRUPT), never passed on to the API, metrics or MQTT.
 */
function checker<S extends TSchema>(schema: S): (v: unknown) => v is Static<S> {
  return (v: unknown): v is Static<S> => Value.Check(schema, v);
}

export const SnoozeSchema = Type.Object(
  { by: Type.String(), until: Type.Number(), note: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

/** Alerts and verdicts of one camera/zone/rule (feedback-counts.json). */
export const FeedbackTotalsSchema = Type.Object(
  {
    camera: Type.String(),
    zone: Type.String(),
    rule: Type.String(),
    alerts: Type.Integer({ minimum: 0 }),
    confirmed: Type.Integer({ minimum: 0 }),
    false_alarm: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

/** An outage announced and not yet over (open-outages.json). */
export const OutageSchema = Type.Object(
  { id: Type.String({ minLength: 1 }), downSinceMs: Type.Number() },
  { additionalProperties: false },
);

export const isAlertPayload: (v: unknown) => v is AlertPayload = checker(AlertPayloadSchema);
export const isAck = checker(AckSchema);
export const isFeedback: (v: unknown) => v is Feedback = checker(FeedbackSchema);
export const isSnooze = checker(SnoozeSchema);
export const isFeedbackTotals = checker(FeedbackTotalsSchema);
export const isOutage = checker(OutageSchema);
export const isDiscoveryEntry = checker(
  Type.Object({ prefix: Type.String() }, { additionalProperties: false }),
);
