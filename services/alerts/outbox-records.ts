import { isPlainObject } from '../core/state-file';

export interface OutboxMessage {
  topic: string;
  payload: Buffer;
  retain: boolean;
}

export interface Entry extends OutboxMessage {
  seq: number;
  /** An alert message (vigil/<camera>/alerts or /health): dropped last, never silently. */
  alert: boolean;
  /** Length of its record in the log (compaction's measure). */
  lineBytes: number;
}

/** MQTT's limit on a topic's UTF-8 length. */
const MAX_TOPIC_BYTES = 65_535;

/**
 * A topic this daemon may publish to: a non-empty name (no wildcard, no NUL, within MQTT's
 * length) under one of `roots` (`vigil`, the Home Assistant discovery prefix).
 */
export function publishableTopic(topic: unknown, roots: readonly string[]): topic is string {
  if (typeof topic !== 'string' || topic === '') return false;
  if (/[+#]/.test(topic) || topic.includes('\0') || Buffer.byteLength(topic) > MAX_TOPIC_BYTES)
    return false;
  return roots.some((r) => r !== '' && topic.startsWith(`${r}/`) && topic.length > r.length + 1);
}

/** The alert messages: incidents and camera health (offline, tamper). */
export function isAlertTopic(topic: string): boolean {
  return /^vigil\/[^/]+\/(alerts|health)$/.test(topic);
}

/** The log record of a message: `{p: seq, t: topic, r: 0|1, b: base64 payload}`. */
export function recordLine(e: Pick<Entry, 'seq' | 'topic' | 'retain' | 'payload'>): string {
  return `${JSON.stringify({ p: e.seq, t: e.topic, r: e.retain ? 1 : 0, b: e.payload.toString('base64') })}\n`;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;

/**
 * One line of the log, checked: a message record with a publishable topic, or a done record
 * `{d: seq}`; undefined for anything else (set aside by the caller, never sent).
 */
export function parseRecord(
  line: string,
  roots: readonly string[],
): Entry | { d: number } | undefined {
  let rec: unknown;
  try {
    rec = JSON.parse(line);
  } catch {
    return undefined; // not JSON: a torn or damaged line, reported by the caller
  }
  if (!isPlainObject(rec)) return undefined;
  if ('d' in rec) return isSeq(rec.d) && Object.keys(rec).length === 1 ? { d: rec.d } : undefined;
  const { p, t, r, b } = rec;
  if (!isSeq(p) || (r !== 0 && r !== 1) || typeof b !== 'string' || !BASE64.test(b))
    return undefined;
  if (!publishableTopic(t, roots)) return undefined;
  const payload = Buffer.from(b, 'base64');
  return {
    seq: p,
    topic: t,
    retain: r === 1,
    payload,
    alert: isAlertTopic(t),
    lineBytes: line.length + 1,
  };
}
