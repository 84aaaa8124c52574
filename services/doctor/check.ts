export type CheckStatus = 'ok' | 'warning' | 'error';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
  /** What to do about a warning or an error. */
  hint?: string;
  ms?: number;
}

export const ok = (name: string, detail: string): CheckResult => ({ name, status: 'ok', detail });
export const warning = (name: string, detail: string, hint: string): CheckResult => ({
  name,
  status: 'warning',
  detail,
  hint,
});
export const error = (name: string, detail: string, hint: string): CheckResult => ({
  name,
  status: 'error',
  detail,
  hint,
});

/** Runs a check, turning anything it throws into an error result, and times it. */
export async function timed(
  name: string,
  fn: () => Promise<CheckResult> | CheckResult,
  hint: string,
): Promise<CheckResult> {
  const t0 = performance.now();
  let r: CheckResult;
  try {
    r = await fn();
  } catch (err) {
    r = error(name, err instanceof Error ? err.message : String(err), hint);
  }
  return { ...r, ms: Math.round(performance.now() - t0) };
}
