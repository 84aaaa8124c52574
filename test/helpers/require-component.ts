/**
 * For tests that need a component of the machine (a program, bindings, ../shared data): true when
 * it is here (`missing` is undefined). Without it, a developer's run says which test is skipped and
 * why; under CI=true (where .ci/run installs every component) the test file fails instead, so a
 * green CI never hides a test that did not run.
 */
export function requireComponent(
  what: string,
  missing: string | undefined,
  install: string,
): boolean {
  if (missing === undefined) return true;
  const why = `${what} needs ${missing} (${install})`;
  if (process.env.CI) throw new Error(`required in CI: ${why}`);
  console.warn(`skipping ${why}`);
  return false;
}

/** The ../shared data folder's README names it; tests read it, the product never ships it. */
export const SHARED_DATA = 'the ../shared data beside the clone (see ../shared/README.md)';
