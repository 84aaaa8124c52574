/**
 * Daily time windows, shared by the alert policy (quiet hours) and the rules (a restricted zone's
 * hours). A daily window in local time, e.g. { from: '22:00', to: '06:00' } (crossing midnight is fine).
 */
export interface QuietWindow {
  from: string;
  to: string;
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** True when the local time of `ms` falls in any window. */
export function inQuietHours(windows: readonly QuietWindow[], ms: number): boolean {
  const d = new Date(ms);
  const now = d.getHours() * 60 + d.getMinutes();
  return windows.some(({ from, to }) => {
    const a = minutes(from);
    const b = minutes(to);
    return a <= b ? now >= a && now < b : now >= a || now < b;
  });
}
