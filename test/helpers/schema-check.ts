import { Value } from '@sinclair/typebox/value';
import {
  AlertEventSchema,
  AlertPayloadSchema,
  CameraHealthSchema,
  CameraStatusSchema,
  CameraTamperSchema,
} from '../../services/alerts/payload-schemas';
import type { Received } from './mqtt-recorder';
import { RULE_NAMES } from '../../services/behaviour/rule-event';

/** Why a message on a vigil/ topic breaks the documented contract, or undefined when it does not. */
export function contractViolation(m: Received): string | undefined {
  const json = () => JSON.parse(m.payload.toString()) as unknown;
  const check = (schema: Parameters<typeof Value.Check>[0]) => {
    const v = json();
    return Value.Check(schema, v)
      ? undefined
      : `${m.topic}: ${[...Value.Errors(schema, v)].map((e) => `${e.path} ${e.message}`).join('; ')}`;
  };
  const oneOf = (values: string[]) =>
    values.includes(m.payload.toString()) ? undefined : `${m.topic}: ${m.payload.toString()}`;
  if (/^vigil\/available(\/[a-z0-9_-]+)?$/.test(m.topic)) return oneOf(['online', 'offline']);
  const rule = /^vigil\/[^/]+\/rules\/([a-z]+)$/.exec(m.topic)?.[1];
  if (rule)
    return (RULE_NAMES as readonly string[]).includes(rule)
      ? oneOf(['ON', 'OFF'])
      : `${m.topic}: no such rule`;
  if (/^vigil\/[^/]+\/events$/.test(m.topic)) return check(AlertEventSchema);
  if (/^vigil\/[^/]+\/snapshot\/latest$/.test(m.topic))
    return m.payload[0] === 0xff && m.payload[1] === 0xd8 ? undefined : `${m.topic}: not a JPEG`;
  if (/^vigil\/[^/]+\/alerts$/.test(m.topic)) return check(AlertPayloadSchema);
  if (/^vigil\/[^/]+\/status$/.test(m.topic)) return check(CameraStatusSchema);
  if (/^vigil\/[^/]+\/health$/.test(m.topic))
    return check(
      (json() as { type?: string }).type?.startsWith('tamper')
        ? CameraTamperSchema
        : CameraHealthSchema,
    );
  if (/^vigil\/[^/]+\/health\/[^/]+\/(before|after)$/.test(m.topic))
    return m.payload[0] === 0xff && m.payload[1] === 0xd8 ? undefined : `${m.topic}: not a JPEG`;
  if (/^vigil\/[^/]+\/alerts\/[^/]+\/snapshot$/.test(m.topic))
    return m.payload[0] === 0xff && m.payload[1] === 0xd8 ? undefined : `${m.topic}: not a JPEG`;
  if (/\/(ack|snooze|feedback)$/.test(m.topic)) return undefined; // commands sent by clients (the test's own)
  return `unexpected topic ${m.topic}`;
}
