/**
 * How far back a replay reaches, as people write it (`npm run tune -- --since 7d`, POST /api/tune):
 * in core so that the API reads it without importing the replay and its pose estimator types.
 */
/** `7d`, `12h`, `30m` before `nowMs`. */
export function parseSince(text: string, nowMs: number): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([dhm])$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[m[2] as 'd' | 'h' | 'm'];
  return nowMs - Number(m[1]) * unit;
}
