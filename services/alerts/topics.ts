/** Every MQTT topic Vigil uses. Camera ids are validated to [a-z0-9_-], so they are topic-safe. */
export const TOPIC_AVAILABLE = 'vigil/available';

/**
 * The daemon's retained availability: vigil/available for a site with one daemon, and
 * vigil/available/<nodeId> for each daemon of a site that has several (mqtt.nodeId).
 */
export function availabilityTopic(nodeId: string): string {
  return nodeId ? `${TOPIC_AVAILABLE}/${nodeId}` : TOPIC_AVAILABLE;
}

/** Retained ON/OFF: an incident of this rule is open on the camera now (Home Assistant). */
export function ruleStateTopic(camera: string, rule: string): string {
  return `vigil/${camera}/rules/${rule}`;
}

/** Retained: the snapshot JPEG of the camera's latest alert (Home Assistant's image entity). */
export function latestSnapshotTopic(camera: string): string {
  return `vigil/${camera}/snapshot/latest`;
}

/** One message per alert start, `{event_type: <rule>, ...}` (Home Assistant's event entity). */
export function eventsTopic(camera: string): string {
  return `vigil/${camera}/events`;
}

export function alertsTopic(camera: string): string {
  return `vigil/${camera}/alerts`;
}

/** The JPEG bytes of an alert's snapshot, published before its `start`. */
export function snapshotTopic(camera: string, alertId: string): string {
  return `vigil/${camera}/alerts/${alertId}/snapshot`;
}

/** A full-resolution still of a start (cameras with source.snapshotUrl), after the start. */
export function fullSnapshotTopic(camera: string, alertId: string): string {
  return `vigil/${camera}/alerts/${alertId}/snapshot/full`;
}

/** Retained camera status (state, fps, last error). */
export function statusTopic(camera: string): string {
  return `vigil/${camera}/status`;
}

/** Retained: the snoozes in force on this camera (a silenced zone is never invisible). */
export function snoozesTopic(camera: string): string {
  return `vigil/${camera}/snoozes`;
}

/** camera_offline / camera_online and tamper / tamper_cleared (QoS 1, through the outbox; not retained). */
export function healthTopic(camera: string): string {
  return `vigil/${camera}/health`;
}

/** The JPEG bytes of a tamper alert's before or after picture, published before it. */
export function tamperSnapshotTopic(camera: string, id: string, which: 'before' | 'after'): string {
  return `vigil/${camera}/health/${id}/${which}`;
}

/**
 * Clerk commands: vigil/<camera>/alerts/<id>/ack, .../snooze and .../feedback, each also with the
 * publisher's login as a last level (.../ack/<login>). The broker's ACL binds that level to the
 * login (both the embedded broker and the generated mosquitto ACL), so Vigil records the login as
 * who answered, whatever the payload's `by` says. Without it, only the embedded broker can vouch
 * for the publisher (it stamps `by` with the login); the generated mosquitto ACL does not grant it.
 */
export const CLERK_COMMANDS = ['ack', 'snooze', 'feedback'] as const;
export const SHARED_COMMAND_FILTERS = CLERK_COMMANDS.map((c) => `vigil/+/alerts/+/${c}`);
export const LOGIN_COMMAND_FILTERS = CLERK_COMMANDS.map((c) => `vigil/+/alerts/+/${c}/+`);
export const COMMAND_FILTERS = [...SHARED_COMMAND_FILTERS, ...LOGIN_COMMAND_FILTERS] as const;

export type ClerkCommand = (typeof CLERK_COMMANDS)[number];

/** The command topic; with `login`, the per-login form a clerk of an external broker publishes to. */
export function commandTopic(
  camera: string,
  alertId: string,
  command: ClerkCommand,
  login?: string,
): string {
  return `vigil/${camera}/alerts/${alertId}/${command}${login ? `/${login}` : ''}`;
}

export function parseCommandTopic(
  topic: string,
): { camera: string; alertId: string; command: ClerkCommand; login?: string } | undefined {
  const m = /^vigil\/([^/]+)\/alerts\/([^/]+)\/(ack|snooze|feedback)(?:\/([^/]+))?$/.exec(topic);
  if (!m) return undefined;
  const t = { camera: m[1]!, alertId: m[2]!, command: m[3] as ClerkCommand };
  return m[4] === undefined ? t : { ...t, login: m[4] };
}

/** MQTT topic filter match with + and # wildcards. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}
