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
