import type { PoseTracks } from '../behaviour/pose-tracks';
import { cameraOf } from '../behaviour/pose-zscore';
import type { ClipAlert } from './clip-alerts';

/**
 * Alerts as a clerk gets them, scored: a run of label-1 frames is one theft event, caught by an
 * alert from 1 s before its first frame to 3 s after its last; an alert that catches nothing on a
 * labelled clip is a false one; on normal footage every alert is false, counted per camera-hour.
 */
export const CATCH_BEFORE_S = 1;
export const CATCH_AFTER_S = 3;

export interface EventScore {
  events: number;
  caught: number;
  alerts: number;
  /** Alerts that caught an event. */
  trueAlerts: number;
}

/** The runs of label-1 frames of a clip, [first, last] frame. */
export function theftEvents(labels: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  labels.forEach((l, i) => {
    if (l !== 1) return;
    const last = runs.at(-1);
    if (last && last[1] === i - 1) last[1] = i;
    else runs.push([i, i]);
  });
  return runs;
}

/** Events caught and alert precision over labelled clips. */
export function scoreEvents(
  docs: readonly PoseTracks[],
  alerts: Readonly<Record<string, readonly ClipAlert[]>>,
): EventScore {
  const out: EventScore = { events: 0, caught: 0, alerts: 0, trueAlerts: 0 };
  for (const d of docs) {
    const events = theftEvents(d.labels?.frames ?? []);
    const within = (f: number, [a, b]: [number, number]) =>
      f >= a - CATCH_BEFORE_S * d.fps && f <= b + CATCH_AFTER_S * d.fps;
    const got = alerts[d.clip] ?? [];
    out.events += events.length;
    out.caught += events.filter((e) => got.some((a) => within(a.frame, e))).length;
    out.alerts += got.length;
    out.trueAlerts += got.filter((a) => events.some((e) => within(a.frame, e))).length;
  }
  return out;
}

export interface FalseAlertRate {
  /** Per camera: alerts, hours of footage, alerts per hour. */
  perCamera: Record<string, { alerts: number; hours: number; perHour: number }>;
  /** All alerts over all camera-hours. */
  overall: number;
  worst: { camera: string; perHour: number };
}

/** False alerts per camera-hour on normal (unlabelled) clips. */
export function falseAlertRate(
  docs: readonly PoseTracks[],
  alerts: Readonly<Record<string, readonly ClipAlert[]>>,
): FalseAlertRate {
  const perCamera: FalseAlertRate['perCamera'] = {};
  for (const d of docs) {
    const c = (perCamera[cameraOf(d)] ??= { alerts: 0, hours: 0, perHour: 0 });
    c.alerts += alerts[d.clip]?.length ?? 0;
    c.hours += d.frameCount / d.fps / 3600;
  }
  let alertsAll = 0;
  let hoursAll = 0;
  let worst = { camera: '', perHour: -1 };
  for (const [camera, c] of Object.entries(perCamera)) {
    c.perHour = c.hours > 0 ? c.alerts / c.hours : 0;
    alertsAll += c.alerts;
    hoursAll += c.hours;
    if (c.perHour > worst.perHour) worst = { camera, perHour: c.perHour };
  }
  return { perCamera, overall: hoursAll > 0 ? alertsAll / hoursAll : 0, worst };
}

export interface CurvePoint {
  threshold: number;
  recall: number;
  precision: number;
  falsePerHour: number;
  worstFalsePerHour: number;
}

/** The best recall among operating points within each budget of false alerts per camera-hour. */
export function recallAtBudgets(
  curve: readonly CurvePoint[],
  budgets: readonly number[],
): { falsePerHour: number; recall: number; threshold: number | null }[] {
  return budgets.map((b) => {
    const ok = curve.filter((p) => p.falsePerHour <= b);
    const best = ok.reduce<CurvePoint | undefined>(
      (m, p) => (!m || p.recall > m.recall ? p : m),
      undefined,
    );
    return { falsePerHour: b, recall: best?.recall ?? 0, threshold: best?.threshold ?? null };
  });
}

/** One operating point, per camera: theft events caught on labelled clips, false alerts on normal ones. */
export interface CameraPoint {
  threshold: number;
  dev: Record<string, { events: number; caught: number }>;
  normal: Record<string, { alerts: number; hours: number }>;
}

export interface HeldOutResult {
  camera: string;
  budget: number;
  /** The threshold chosen on the other cameras only (null: none met the budget). */
  threshold: number | null;
  events: number;
  caught: number;
  /** False alerts per hour on the held-out camera's own normal clips. */
  falsePerHour: number;
}

const sumOf = <T>(r: Record<string, T>, keep: (k: string) => boolean, f: (v: T) => number) =>
  Object.entries(r).reduce((s, [k, v]) => s + (keep(k) ? f(v) : 0), 0);

/**
 * Leave one camera out: the operating point is chosen without the held-out camera (most events
 * caught on the other labelled cameras with false alerts per camera-hour on the other cameras'
 * normal clips within `budget`; ties go to the lower threshold, the budget's own operating point), then judged on the held-out one.
 */
export function heldOutAtBudget(
  points: readonly CameraPoint[],
  held: string,
  budget: number,
): HeldOutResult {
  const others = (k: string) => k !== held;
  const ok = points.filter((p) => {
    const hours = sumOf(p.normal, others, (v) => v.hours);
    return hours > 0 && sumOf(p.normal, others, (v) => v.alerts) / hours <= budget;
  });
  const caughtElsewhere = (p: CameraPoint) => sumOf(p.dev, others, (v) => v.caught);
  const best = ok.reduce<CameraPoint | undefined>(
    (m, p) =>
      !m ||
      caughtElsewhere(p) > caughtElsewhere(m) ||
      (caughtElsewhere(p) === caughtElsewhere(m) && p.threshold < m.threshold)
        ? p
        : m,
    undefined,
  );
  const n = best?.normal[held];
  return {
    camera: held,
    budget,
    threshold: best?.threshold ?? null,
    events: points[0]?.dev[held]?.events ?? 0,
    caught: best?.dev[held]?.caught ?? 0,
    falsePerHour: n && n.hours > 0 ? n.alerts / n.hours : 0,
  };
}
