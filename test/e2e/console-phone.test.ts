import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import type { Browser, Locator, Page } from 'playwright-core';
import { RTSP_PEER_INSTALL, RtspPeer, rtspPeerUnavailable } from '../../scripts/peers/rtsp-peer';
import { VigilApp } from '../../services/app';
import { sha256Hex } from '../../services/core/hashing';
import { loadConfigFile } from '../../services/config/load';
import { axeViolations, launchChromium, requireChromium, screenshot } from '../helpers/browser';
import { TEST_CLERK_USER } from '../helpers/broker';
import { captureLogger } from '../helpers/logger';
import { tempDir } from '../helpers/media';
import { freePort } from '../helpers/ports';
import { requireComponent } from '../helpers/require-component';
import { siteConfig } from '../helpers/site';
import { waitFor } from '../helpers/wait';

const ADMIN = 'phone-admin-token';
const ANN = 'phone-clerk-ann';
const WIDTHS = [360, 390];
const CAMERA_USER = 'viewer';
const CAMERA_PASSWORD = 'p@ss:word';

const runs =
  requireChromium('the console phone tests') &&
  requireComponent('the console add-camera test', rtspPeerUnavailable(), RTSP_PEER_INSTALL);

/**
 * What a new user met in the console on a phone (issue 27, item 5), in Debian's chromium at 360
 * and 390 px on the daemon running the demo's clip without event clips: the header on one line,
 * Acknowledge saying it is done, History's verdict table inside the screen and no Play clip where
 * there is no clip, the zone editor's touch delete, and a camera added by its RTSP URL (a real
 * GStreamer RTSP server with a login) after its Test showed the first frame.
 */
(runs ? describe : describe.skip)('the console on a phone', () => {
  const dir = tempDir('vigil-phone-');
  const { log } = captureLogger('info');
  let file: string;
  let app: VigilApp;
  let base: string;
  let browser: Browser;
  let peer: RtspPeer;

  beforeAll(async () => {
    peer = await RtspPeer.start({
      mounts: { pattern: 'pattern' },
      user: CAMERA_USER,
      password: CAMERA_PASSWORD,
    });
    const site = siteConfig(
      dir,
      { url: 'embedded', embeddedPort: await freePort(), users: [TEST_CLERK_USER] },
      {
        port: await freePort(),
        tokens: [
          { name: 'ops', role: 'admin', sha256: sha256Hex(ADMIN) },
          { name: 'ann', role: 'clerk', sha256: sha256Hex(ANN) },
        ],
      },
      4,
    );
    file = site.file;
    // No event clips: every incident of this site ends without one. No cooldowns: a new
    // incident opens each time the clip loops, so one is open whenever the test looks.
    const config = parse(readFileSync(file, 'utf8')) as {
      alerts?: object;
      cameras: { clips?: object }[];
    };
    config.cameras[0]!.clips = { enabled: false };
    config.alerts = { zoneCooldownSeconds: 0, personCooldownSeconds: 0 };
    writeFileSync(file, stringify(config));
    app = new VigilApp(loadConfigFile(file), log, { configFile: file });
    base = (await app.start()).api!;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await peer?.stop();
  }, 60_000);

  /** The console's route (the URL fragment), as a tap on a link would change it. */
  const setHash = (page: Page, hash: string) =>
    page.evaluate((x) => {
      (globalThis as unknown as { location: { hash: string } }).location.hash = x;
    }, hash);

  async function phone(width: number, token: string, hash = ''): Promise<Page> {
    const ctx = await browser.newContext({
      viewport: { width, height: 780 },
      bypassCSP: true, // only so that the test can inject axe-core
      hasTouch: true,
      isMobile: true,
    });
    const page = await ctx.newPage();
    page.on('pageerror', (err) => {
      throw err;
    });
    await page.goto(`${base}/#token=${token}`);
    await page.locator('#nav:not([hidden])').waitFor();
    if (hash) await setHash(page, hash);
    return page;
  }

  const api = async <T>(route: string, init: RequestInit = {}): Promise<T> => {
    const r = await fetch(`${base}${route}`, {
      ...init,
      headers: { authorization: `Bearer ${ADMIN}`, ...(init.headers ?? {}) },
    });
    expect(r.ok).toBe(true);
    return (await r.json()) as T;
  };

  /** The element's box lies inside the page's width (nothing cut at the right edge). */
  async function insideViewport(page: Page, el: Locator): Promise<void> {
    const box = (await el.boundingBox())!;
    const width = page.viewportSize()!.width;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(width + 0.5);
    // The page itself never scrolls sideways: the outermost elements past its right edge, named
    // (a table inside its own scrolling box is not past it: the box clips it).
    const past = await page.evaluate((w) => {
      type El = {
        tagName: string;
        className: string;
        textContent: string | null;
        parentElement: El | null;
        getBoundingClientRect(): { right: number };
      };
      const g = globalThis as unknown as {
        document: { querySelectorAll(s: string): El[] };
        getComputedStyle(e: El): { overflowX: string };
      };
      const over = (e: El | null) => !!e && e.getBoundingClientRect().right > w + 0.5;
      const clips = (e: El | null) => !!e && g.getComputedStyle(e).overflowX !== 'visible';
      return [...g.document.querySelectorAll('body *')]
        .filter((e) => over(e) && !over(e.parentElement) && !clips(e.parentElement))
        .map(
          (e) =>
            `${e.tagName.toLowerCase()}.${e.className} "${(e.textContent ?? '').slice(0, 40)}"`,
        );
    }, width);
    expect(past).toEqual([]);
    const pageWidth = await page.evaluate(
      () =>
        (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } })
          .document.documentElement.scrollWidth,
    );
    expect(pageWidth).toBeLessThanOrEqual(width);
  }

  test.each(WIDTHS)(
    'the header is one line at %i px, for a clerk and for an admin (three tabs)',
    async (width) => {
      for (const token of [ANN, ADMIN]) {
        const page = await phone(width, token);
        const header = page.locator('header.top');
        const tab = (await page.locator('nav .tab').first().boundingBox())!;
        const box = (await header.boundingBox())!;
        // One row: the header is one tab high plus its padding, not two.
        expect(box.height).toBeLessThan(tab.height * 1.5);
        const centres = await page
          .locator('header.top .brand, nav .tab, nav .account')
          .evaluateAll((els) =>
            els.map((e) => {
              const r = e.getBoundingClientRect();
              return r.top + r.height / 2;
            }),
          );
        expect(Math.max(...centres) - Math.min(...centres)).toBeLessThan(4);
        await insideViewport(page, header);
        await expect(page.getByRole('button', { name: /Log out/ }).isVisible()).resolves.toBe(true);
        await screenshot(page, `header-${token === ANN ? 'clerk' : 'admin'}-${width}`);
        await page.context().close();
      }
    },
    60_000,
  );

  test('Acknowledge shows it is done: disabled, "Acknowledged by ann"', async () => {
    const page = await phone(360, ANN);
    const card = page.locator('article.card').first();
    await card.waitFor({ timeout: 90_000 });
    const ack = card.getByRole('button', { name: 'Acknowledge', exact: true });
    await expect(ack.isEnabled()).resolves.toBe(true);
    await ack.click();
    const done = card.getByRole('button', { name: 'Acknowledged by ann' });
    await done.waitFor({ timeout: 10_000 });
    await expect(done.isDisabled()).resolves.toBe(true);
    // The other answers stay open: a verdict can still follow the ack.
    await expect(card.getByRole('button', { name: 'False alarm' }).isEnabled()).resolves.toBe(true);
    await screenshot(page, 'acknowledged-360');
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  }, 120_000);

  test('zone editor on touch: the hint says what works, a Delete corner button for the tapped corner', async () => {
    const page = await phone(360, ADMIN, '#/zones/square');
    const hint = page.locator('.editor .hint').first();
    await hint.waitFor();
    expect(await hint.textContent()).not.toMatch(/press Delete/);
    // Touch or not, it names the button under the picture (phones report a coarse pointer).
    expect(await hint.textContent()).toMatch(/then Delete corner under the picture/);
    const del = page.getByRole('button', { name: /^Delete corner/ });
    await expect(del.isDisabled()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Add zone' }).tap();
    const corners = page.locator('circle.corner');
    await waitFor('the new zone', async () => (await corners.count()) === 4);
    await page.locator('circle.corner[data-corner="2"]').tap();
    await expect(del.textContent()).resolves.toBe('Delete corner 3');
    await expect(del.isEnabled()).resolves.toBe(true);
    await insideViewport(page, del);
    await del.tap();
    await waitFor('a corner fewer', async () => (await corners.count()) === 3);
    await expect(del.isDisabled()).resolves.toBe(true);
    // A tap on an edge's dot adds a corner there, selected (it once threw InvalidStateError).
    await page.locator('circle.midpoint[data-edge="0"]').tap();
    await waitFor('a corner more', async () => (await corners.count()) === 4);
    await expect(del.textContent()).resolves.toBe('Delete corner 2');
    await screenshot(page, 'zone-editor-touch-360');
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  }, 60_000);

  test('History at 390 px: the verdict table inside the screen; no Play clip without a clip; "Clip after the incident ends" while open, "No clip" once over', async () => {
    await waitFor(
      'an alert in the history',
      async () =>
        (await api<{ items: unknown[] }>('/api/alerts?type=start&limit=1')).items.length > 0,
      90_000,
      250,
    );
    const rows = async (page: Page) => {
      await setHash(page, '#/');
      const answer = page.waitForResponse((r) => r.url().includes('/api/alerts?'));
      await setHash(page, '#/history');
      const body = (await (await answer).json()) as {
        items: { id: string }[];
        ends: Record<string, { clip: boolean }>;
      };
      await page.locator('.rows li').first().waitFor();
      return body;
    };
    const page = await phone(390, ANN);
    // While the loitering incident is open: History says its clip comes after the end.
    const open = await waitFor(
      'an open incident in History',
      async () => {
        const b = await rows(page);
        return b.items.some((a) => !b.ends[a.id]) && b;
      },
      60_000,
      1000,
    );
    const openIds = open.items.filter((a) => !open.ends[a.id]).map((a) => a.id);
    await expect(page.getByText('Clip after the incident ends').count()).resolves.toBe(
      openIds.length,
    );
    await expect(page.getByRole('button', { name: /Play clip/ }).count()).resolves.toBe(0);

    // The camera switched off through the API ends every open incident, without a clip.
    const { config } = await api<{ config: { cameras: { enabled?: boolean }[] } }>('/api/config');
    const etag = (await fetch(`${base}/api/config`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    }).then((r) => r.headers.get('etag')))!;
    config.cameras[0]!.enabled = false;
    await api('/api/config', {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'if-match': etag },
      body: JSON.stringify(config),
    });
    await waitFor(
      'the open incidents ended',
      async () => {
        const b = await api<{ ends: Record<string, unknown> }>('/api/alerts?type=start');
        return openIds.every((id) => b.ends[id]);
      },
      30_000,
      250,
    );
    const over = await rows(page);
    expect(over.items.every((a) => over.ends[a.id] && !over.ends[a.id]!.clip)).toBe(true);
    const texts = await page.locator('.rows li .no-clip').allTextContents();
    expect(texts.length).toBe(over.items.length);
    expect(new Set(texts)).toEqual(new Set(['No clip']));
    await expect(page.getByRole('button', { name: /Play clip/ }).count()).resolves.toBe(0);

    const table = page.locator('.counts .table-scroll');
    await table.waitFor();
    await insideViewport(page, table);
    // Its last column is reachable by scrolling inside its own box.
    const last = page.locator('.counts th', { hasText: 'Precision' });
    await last.scrollIntoViewIfNeeded();
    await insideViewport(page, last);
    await screenshot(page, 'history-390');
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  }, 150_000);

  test('add a camera by its RTSP URL: Test shows the first frame (a wrong password says why), Add camera saves and starts it, then its zones', async () => {
    const page = await phone(390, ADMIN, '#/cameras');
    const form = page.locator('form.add-camera');
    await form.waitFor();
    await form.getByLabel('Stream URL').fill(peer.url('pattern', null));
    await form.getByLabel('Camera user name').fill(CAMERA_USER);
    await form.getByLabel('Camera password').fill('wrong');
    await form.getByRole('button', { name: 'Test' }).click();
    await form.getByText(/^No picture: /).waitFor({ timeout: 30_000 });

    await form.getByLabel('Camera password').fill(CAMERA_PASSWORD);
    await form.getByRole('button', { name: 'Test' }).click();
    const frame = form.locator('.test-frame img');
    await frame.waitFor({ timeout: 30_000 });
    const size = await frame.evaluate(async (img) => {
      const i = img as unknown as { decode(): Promise<void>; naturalWidth: number };
      await i.decode();
      return i.naturalWidth;
    });
    expect(size).toBeGreaterThan(0);
    await insideViewport(page, frame);
    expect(await frame.getAttribute('alt')).not.toContain(CAMERA_PASSWORD);
    await screenshot(page, 'add-camera-tested-390');
    expect(await axeViolations(page)).toEqual([]);

    await form.getByLabel('Camera id').fill('till-1');
    await form.getByLabel('Name', { exact: true }).fill('Till 1');
    await form.getByRole('button', { name: 'Add camera' }).click();
    await form.getByText('Added Till 1: it starts now.').waitFor({ timeout: 20_000 });
    const cams = await api<{ cameras: { id: string }[] }>('/api/cameras');
    expect(cams.cameras.map((c) => c.id)).toContain('till-1');
    const saved = loadConfigFile(file).cameras.find((c) => c.id === 'till-1');
    expect(saved?.source.url).toBe(
      peer.url('pattern', { user: CAMERA_USER, password: CAMERA_PASSWORD }),
    );
    await page.locator('[data-camera="till-1"]').waitFor();
    await waitFor(
      'the new camera streaming',
      async () =>
        (await api<{ cameras: { id: string; state: string }[] }>('/api/cameras')).cameras.find(
          (c) => c.id === 'till-1',
        )?.state === 'streaming',
      60_000,
      250,
    );
    await form.getByRole('link', { name: 'Draw the zones of till-1' }).tap();
    await page.getByRole('heading', { name: 'Zones of till-1' }).waitFor();
    await page.context().close();
  }, 150_000);
});
