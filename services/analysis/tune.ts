import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema';
import type { Logger } from '../core/logger';
import type { AlertPayload, Verdict } from '../alerts/payload-schemas';
import { AlertStateStore } from '../alerts/alert-state-store';
import { Replay, recordedChunks } from './replay';
import type { TuneReport, TuneRow } from '../core/contract';
import type { ReplayedAlert } from './replay';

/** An alert the daemon really sent (alerts.jsonl), with the clerk's verdict if one was given. */
export interface SentAlert {
  id: string;
  camera: string;
  zone: string;
  rule: string;
  trackId: number;
  startedAtMs: number;
  verdict: Verdict | null;
}

// The report's shape is shared with the console, which renders it.
export type { TuneReport, TuneRow } from '../core/contract';

/** Two alerts are the same incident: one person, zone and rule, started within this of each other. */
const SAME_MS = 10_000;

type Keyed = Pick<ReplayedAlert, 'camera' | 'zone' | 'rule' | 'trackId' | 'startedAtMs'>;
type Where = Pick<ReplayedAlert, 'camera' | 'zone' | 'rule'>;

const keyOf = (a: Where) => `${a.camera}\u0000${a.zone}\u0000${a.rule}`;

/** Pairs each of `a` with an unused same incident of `b`; answers the unpaired of `a`. */
function unmatched<A extends Keyed>(a: readonly A[], b: readonly Keyed[]): A[] {
  const used = new Set<number>();
  return a.filter((x) => {
    const i = b.findIndex(
      (y, j) =>
        !used.has(j) &&
        keyOf(x) === keyOf(y) &&
        x.trackId === y.trackId &&
        Math.abs(x.startedAtMs - y.startedAtMs) <= SAME_MS,
    );
    if (i < 0) return true;
    used.add(i);
    return false;
  });
}

/** The table: per camera, zone and rule, what the candidate changes, verdicts included. */
export function compareAlerts(
  current: readonly ReplayedAlert[],
  candidate: readonly ReplayedAlert[],
  sent: readonly SentAlert[],
): TuneRow[] {
  const rows = new Map<string, TuneRow>();
  const row = (a: Where) => {
    let r = rows.get(keyOf(a));
    if (!r)
      rows.set(
        keyOf(a),
        (r = {
          camera: a.camera,
          zone: a.zone,
          rule: a.rule,
          current: 0,
          candidate: 0,
          vanish: 0,
          appear: 0,
          confirmed: { total: 0, kept: 0 },
          falseAlarms: { total: 0, removed: 0 },
        }),
      );
    return r;
  };
  for (const a of current) row(a).current++;
  for (const a of candidate) row(a).candidate++;
  for (const a of unmatched(current, candidate)) row(a).vanish++;
  for (const a of unmatched(candidate, current)) row(a).appear++;
  const dropped = new Set(unmatched(sent, candidate));
  for (const s of sent) {
    if (s.verdict === 'confirmed') {
      row(s).confirmed.total++;
      if (!dropped.has(s)) row(s).confirmed.kept++;
    } else if (s.verdict === 'false_alarm') {
      row(s).falseAlarms.total++;
      if (dropped.has(s)) row(s).falseAlarms.removed++;
    }
  }
  return [...rows.values()].sort((x, y) => keyOf(x).localeCompare(keyOf(y)));
}

type SentLine = Pick<
  AlertPayload,
  'id' | 'type' | 'camera' | 'zone' | 'rule' | 'trackId' | 'startedAt'
>;

function isSentStart(a: unknown): a is SentLine {
  if (typeof a !== 'object' || a === null) return false;
  const r = a as Record<string, unknown>;
  return (
    ['id', 'type', 'camera', 'zone', 'rule', 'startedAt'].every((k) => typeof r[k] === 'string') &&
    Number.isInteger(r.trackId)
  );
}

/** The alerts sent since `sinceMs` (dataDir/alerts.jsonl) with their verdicts (alert-state.json). */
export function sentAlerts(dataDir: string, sinceMs: number, log: Logger): SentAlert[] {
  const file = path.join(dataDir, 'alerts.jsonl');
  if (!existsSync(file)) return [];
  const store = new AlertStateStore(path.join(dataDir, 'alert-state.json'), log);
  const out: SentAlert[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    let a: unknown;
    try {
      a = JSON.parse(line);
    } catch {
      continue; // an empty or torn last line
    }
    // A malformed line (null, another shape) is skipped; the daemon sets them aside at its start.
    if (!isSentStart(a)) continue;
    if (a.type !== 'start' || Date.parse(a.startedAt) < sinceMs) continue;
    out.push({
      id: a.id,
      camera: a.camera,
      zone: a.zone,
      rule: a.rule,
      trackId: a.trackId,
      startedAtMs: Date.parse(a.startedAt),
      verdict: store.feedbackOf(a.id)?.verdict ?? null,
    });
  }
  return out;
}

/**
 * Replays the pose tracks recorded since `sinceMs` (the current config's dataDir) through the
 * rules of the current and the candidate config, and compares them (verdicts included).
 */
export async function tune(
  current: Config,
  candidate: Config,
  sinceMs: number,
  log: Logger,
): Promise<TuneReport> {
  const ids = [
    ...new Set(
      [...current.cameras, ...candidate.cameras].filter((c) => c.enabled).map((c) => c.id),
    ),
  ];
  const now: ReplayedAlert[] = [];
  const next: ReplayedAlert[] = [];
  let frames = 0;
  for (const id of ids) {
    const a = current.cameras.find((c) => c.id === id && c.enabled);
    const b = candidate.cameras.find((c) => c.id === id && c.enabled);
    // Both configs in one pass over the recordings, one file at a time.
    const replays = [a && new Replay(current, a, log), b && new Replay(candidate, b, log)];
    for (const chunk of recordedChunks(current.dataDir, id, sinceMs, log)) {
      for (const f of chunk) for (const r of replays) r?.push(f);
      frames += chunk.length;
      await new Promise((r) => setImmediate(r)); // the API keeps answering
    }
    now.push(...(replays[0]?.finish() ?? []));
    next.push(...(replays[1]?.finish() ?? []));
  }
  return {
    since: new Date(sinceMs).toISOString(),
    frames,
    cameras: ids,
    rows: compareAlerts(now, next, sentAlerts(current.dataDir, sinceMs, log)),
  };
}

/** The report as a table for a terminal. */
export function formatTune(report: TuneReport): string {
  const head = [
    'camera',
    'zone',
    'rule',
    'now',
    'candidate',
    'vanish',
    'new',
    'confirmed kept',
    'false alarms removed',
  ];
  const body = report.rows.map((r) => [
    r.camera,
    r.zone,
    r.rule,
    String(r.current),
    String(r.candidate),
    String(r.vanish),
    String(r.appear),
    `${r.confirmed.kept}/${r.confirmed.total}`,
    `${r.falseAlarms.removed}/${r.falseAlarms.total}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const lines = [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
  if (body.length === 0) lines.push('(no alert with either config)');
  return `${lines.join('\n')}\n`;
}
