import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { requireComponent } from './require-component';

/** Debian's chromium (apt-get install chromium): playwright-core never downloads a browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** Where the browser tests write their screenshots (git-ignored). */
export const SCREENSHOTS = path.resolve(__dirname, '../../test-output/console');

/**
 * True when chromium is here. Without it, says which test is skipped and why; in CI (where
 * .ci/run installs it) fails instead of skipping.
 */
export function requireChromium(what: string): boolean {
  return requireComponent(
    what,
    existsSync(CHROMIUM) ? undefined : CHROMIUM,
    'apt-get install chromium',
  );
}

export async function launchChromium(): Promise<Browser> {
  // No sandbox: CI and containers run as root, where chromium's sandbox cannot start.
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** A phone-sized screenshot under test-output/console/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** axe-core's WCAG 2 A/AA checks on the page; answers the serious and critical violations. */
export async function axeViolations(
  page: Page,
): Promise<{ id: string; help: string; nodes: string[] }[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const result = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run(o: unknown): Promise<{
            violations: {
              id: string;
              impact: string;
              help: string;
              nodes: { target: string[] }[];
            }[];
          }>;
        };
      }
    ).axe;
    return axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}
