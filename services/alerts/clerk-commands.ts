import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import type { Logger } from '../core/logger';
import type { AlertStateStore } from './alert-state-store';
import type { Incident, IncidentManager } from './incidents';
import { AckCommandSchema, FeedbackCommandSchema, SnoozeCommandSchema } from './payload-schemas';
import type { AckCommand, Feedback, FeedbackCommand, SnoozeCommand } from './payload-schemas';
import { parseCommandTopic } from './topics';
import type { ClerkCommand } from './topics';

export type CommandResult =
  | {
      ok: true;
      command: ClerkCommand;
      incident: Incident | undefined;
      alertId: string;
      /**
       * Who sent it: the login of a per-login topic (.../ack/<login>, bound to the login by the
       * broker's ACL), else the payload's `by` (which the embedded broker sets to the login).
       */
      by: string;
      /** Snooze: until when (ms). */
      untilMs?: number;
      /** Feedback: the verdict recorded, and the one it replaced. */
      feedback?: Feedback;
      replaced?: Feedback | null;
    }
  | { ok: false; reason: string };

/** The payload as a command; with `login` (the per-login topic's last level), `by` is the login. */
function parse<T>(schema: TSchema, payload: Buffer, login?: string): T | string {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return 'payload is not JSON';
  }
  if (login !== undefined && value && typeof value === 'object' && !Array.isArray(value))
    value = { ...value, by: login };
  const errors = [...Value.Errors(schema, value)].slice(0, 3);
  return errors.length === 0
    ? (value as T)
    : errors.map((e) => `${e.path || '/'} ${e.message}`).join('; ');
}

/** How long after its end an incident may still be acknowledged (a clerk who was busy). */
export const ACK_AFTER_END_MS = 60 * 60_000;

/** The camera of an incident that ended within ACK_AFTER_END_MS (from the alert history). */
export type RecentlyEnded = (alertId: string, sinceMs: number) => string | undefined;

/**
 * Applies a clerk's ack, snooze or verdict (from MQTT or the API): validated, persisted, never
 * throws. Who answered is the login when the topic names it, whatever the payload says. An ack or a verdict names an open incident of that camera, or one that ended within
 * the last hour; a snooze applies to the
 * camera, zone and rule of the incident named in the topic, which must be open. Anything else
 * (unknown ids, another camera's incident, old ones) is refused and writes nothing.
 */
export function applyCommand(
  topic: string,
  payload: Buffer,
  nowMs: number,
  incidents: IncidentManager,
  store: AlertStateStore,
  log: Logger,
  recentlyEnded: RecentlyEnded = () => undefined,
): CommandResult {
  const t = parseCommandTopic(topic);
  const fail = (reason: string): CommandResult => {
    log.warn({ code: 'VIGIL_ERR_COMMAND_INVALID', topic, reason }, 'clerk command ignored');
    return { ok: false, reason };
  };
  if (!t) return fail('unknown command topic');
  if (payload.length > 4096) return fail('payload larger than 4 KiB');
  const incident = incidents.find(t.alertId);
  if (incident && incident.camera !== t.camera)
    return fail(`alert ${t.alertId} is not on camera ${t.camera}`);
  const openOrRecent = (): string | undefined => {
    if (incident) return undefined;
    const camera = recentlyEnded(t.alertId, nowMs - ACK_AFTER_END_MS);
    if (camera === undefined) return `no open or recent alert ${t.alertId}`;
    if (camera !== t.camera) return `alert ${t.alertId} is not on camera ${t.camera}`;
    return undefined;
  };
  if (t.command === 'feedback') {
    const cmd = parse<FeedbackCommand>(FeedbackCommandSchema, payload, t.login);
    if (typeof cmd === 'string') return fail(cmd);
    const refused = openOrRecent();
    if (refused) return fail(refused);
    const feedback: Feedback = {
      verdict: cmd.verdict,
      by: cmd.by,
      at: new Date(nowMs).toISOString(),
      ...(cmd.note ? { note: cmd.note } : {}),
    };
    const replaced = store.setFeedback(t.alertId, feedback);
    log.info({ alertId: t.alertId, by: cmd.by, verdict: cmd.verdict }, 'alert judged');
    return {
      ok: true,
      command: 'feedback',
      incident,
      alertId: t.alertId,
      by: cmd.by,
      feedback,
      replaced,
    };
  }
  if (t.command === 'ack') {
    const cmd = parse<AckCommand>(AckCommandSchema, payload, t.login);
    if (typeof cmd === 'string') return fail(cmd);
    const refused = openOrRecent();
    if (refused) return fail(refused);
    store.ack(t.alertId, {
      by: cmd.by,
      at: new Date(nowMs).toISOString(),
      ...(cmd.note ? { note: cmd.note } : {}),
    });
    log.info({ alertId: t.alertId, by: cmd.by }, 'alert acknowledged');
    return { ok: true, command: 'ack', incident, alertId: t.alertId, by: cmd.by };
  }
  const cmd = parse<SnoozeCommand>(SnoozeCommandSchema, payload, t.login);
  if (typeof cmd === 'string') return fail(cmd);
  if (!incident) return fail(`no open alert ${t.alertId} to snooze`);
  const untilMs = nowMs + cmd.minutes * 60_000;
  store.snooze(
    incident.zoneKey,
    { by: cmd.by, until: untilMs, ...(cmd.note ? { note: cmd.note } : {}) },
    nowMs,
  );
  log.info(
    { alertId: t.alertId, by: cmd.by, minutes: cmd.minutes, scope: incident.zoneKey },
    'alerts snoozed',
  );
  return { ok: true, command: 'snooze', incident, alertId: t.alertId, by: cmd.by, untilMs };
}
