import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { VigilApp } from '../../services/app';
import type { AlertPayload } from '../../services/alerts/payload-schemas';
import { sha256Hex } from '../../services/core/hashing';
import { loadConfigFile } from '../../services/config/load';
import { axeViolations, launchChromium, requireChromium, screenshot } from '../helpers/browser';
import { TEST_CLERK, TEST_CLERK_USER } from '../helpers/broker';
import { captureLogger } from '../helpers/logger';
import { tempDir } from '../helpers/media';
import { siteConfig } from '../helpers/site';
import { recordMqtt } from '../helpers/mqtt-recorder';
import type { Received } from '../helpers/mqtt-recorder';
import { freePort } from '../helpers/ports';
import { waitFor } from '../helpers/wait';

const ADMIN = 'console-admin-token';
const ANN = 'console-clerk-ann';
const BOB = 'console-clerk-bob';
const PHONE = { width: 360, height: 780 };

/**
 * The console in a real browser (Debian's chromium through playwright-core) on the daemon running
 * the demo's clip and zone: a clerk logs in, a loitering card with its snapshot appears, the
 * answers reach the daemon, MQTT and a second console; an integrator drags a zone corner and the
 * running camera uses the new polygon without a restart. Phone-sized screenshots of each view go
 * to test-output/console/, and axe-core checks both views.
 */
(requireChromium('the console browser tests') ? describe : describe.skip)('the console', () => {
  const dir = tempDir('vigil-console-');
  const file = path.join(dir, 'site.yaml');
  const { log } = captureLogger('info');
  let app: VigilApp;
  let base: string;
  let browser: Browser;
  let messages: Received[];
  let stopRecording: () => Promise<void>;

  beforeAll(async () => {
    const mqttPort = await freePort();
    // As config/demo.yaml: vtest.avi in real time, two people meet in the zone from ~3 s.
    siteConfig(
      dir,
      { url: 'embedded', embeddedPort: mqttPort, users: [TEST_CLERK_USER] },
      {
        // A fixed port: the restart test brings the daemon back where the console looks.
        port: await freePort(),
        tokens: [
          { name: 'ops', role: 'admin', sha256: sha256Hex(ADMIN) },
          { name: 'ann', role: 'clerk', sha256: sha256Hex(ANN) },
          { name: 'bob', role: 'clerk', sha256: sha256Hex(BOB) },
        ],
      },
      6,
    );
    app = new VigilApp(loadConfigFile(file), log, { configFile: file });
    base = (await app.start()).api!;
    const rec = await recordMqtt(
      `mqtt://127.0.0.1:${mqttPort}`,
      'vigil/+/alerts',
      undefined,
      TEST_CLERK,
    );
    messages = rec.messages;
    stopRecording = () => rec.client.endAsync();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stopRecording?.();
    await app?.stop();
  }, 60_000);

  async function phone(): Promise<Page> {
    // bypassCSP only so the test can inject axe-core; the console's own CSP is checked below.
    const ctx = await browser.newContext({ viewport: PHONE, bypassCSP: true, hasTouch: true });
    const page = await ctx.newPage();
    page.on('pageerror', (err) => {
      throw err;
    });
    return page;
  }

  const alertsOnMqtt = () => messages.map((m) => JSON.parse(m.payload.toString()) as AlertPayload);

  test('clerk: log in, a loitering card with its snapshot, Acknowledge reaches MQTT and a second console; verdicts are counted', async () => {
    const page = await phone();
    const res = await page.goto(`${base}/`);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    // First device: the token typed once. Second: a pairing link (token in the fragment).
    await page.getByLabel('Access token').fill(ANN);
    await page.getByRole('button', { name: 'Log in' }).click();
    const other = await phone();
    await other.goto(`${base}/#token=${BOB}`);
    await other.getByText('bob (clerk)').waitFor();
    expect(other.url()).toBe(`${base}/`); // the token left the address bar

    const card = page.locator('article.card').first();
    await card.waitFor({ timeout: 60_000 });
    await waitFor(
      'the snapshot loaded',
      () =>
        card
          .locator('img.snapshot')
          .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0),
      20_000,
    );
    await expect(card.locator('.what').textContent()).resolves.toMatch(
      /has stayed \d+ s at the Meeting point/,
    );
    await expect(card.locator('.where').textContent()).resolves.toBe(
      'Campus square · Meeting point',
    );
    const id = await card.getAttribute('data-id');
    const onOther = other.locator(`article.card[data-id="${id}"]`);
    await onOther.waitFor();
    await screenshot(page, 'clerk-360');
    expect(await axeViolations(page)).toEqual([]);

    // Large targets: every answer button is at least 44 px high.
    for (const name of ['Acknowledge', 'Snooze', 'False alarm', 'Confirmed']) {
      const box = await card.getByRole('button', { name, exact: true }).boundingBox();
      expect(box!.height).toBeGreaterThanOrEqual(44);
    }
    await card.getByRole('button', { name: 'Acknowledge' }).click();
    await waitFor('the ack echoed on MQTT', () =>
      alertsOnMqtt().some((a) => a.id === id && a.type === 'update' && a.ack?.by === 'ann'),
    );
    await onOther.getByText('Acknowledged by ann').waitFor({ timeout: 5000 });

    // A false alarm from one console, then confirmed from the other: counted once, as confirmed.
    await card.getByRole('button', { name: 'False alarm' }).click();
    await onOther.getByText('Judged a false alarm by ann').waitFor({ timeout: 5000 });
    const counts = async () => {
      const r = await fetch(`${base}/api/alerts?type=start`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      return ((await r.json()) as { feedback: Record<string, number | string>[] }).feedback[0];
    };
    expect(await counts()).toMatchObject({
      camera: 'square',
      zone: 'meeting-point',
      falseAlarm: 1,
      confirmed: 0,
    });
    await onOther.getByRole('button', { name: 'Confirmed' }).click();
    await card.getByText('Judged confirmed by bob').waitFor({ timeout: 5000 });
    expect(await counts()).toMatchObject({ falseAlarm: 0, confirmed: 1 });
    const metrics = await (
      await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } })
    ).text();
    expect(metrics).toMatch(
      /vigil_alert_feedback_total\{camera="square",zone="meeting-point",rule="loitering",verdict="confirmed"\} 1/,
    );

    // History lists it, with the counts.
    await page.getByRole('link', { name: 'History' }).click();
    await page.locator('.rows li').first().waitFor();
    await screenshot(page, 'history-360');
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
    await other.context().close();
  }, 180_000);

  test('integrator: drag a zone corner, apply; the file and the running camera use it, no camera restarts', async () => {
    const page = await phone();
    await page.goto(`${base}/#token=${ADMIN}`);
    await page.getByRole('link', { name: 'Cameras' }).click();
    await page.locator('img.live[src^="blob:"]').waitFor({ timeout: 20_000 });
    await screenshot(page, 'cameras-360');
    expect(await axeViolations(page)).toEqual([]);
    const pipeline = app.cameras[0]!;
    const restarts = pipeline.status().restarts;

    await page.getByRole('link', { name: 'Edit zones' }).click();
    const corner = page.locator('circle.corner[data-corner="1"]');
    await corner.waitFor();
    const box = (await corner.boundingBox())!;
    const stage = (await page.locator('.overlay').boundingBox())!;
    const from = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    const dx = stage.width * 0.1;
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + dx / 2, from.y, { steps: 4 });
    await page.mouse.move(from.x + dx, from.y, { steps: 4 });
    await page.mouse.up();
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.getByText(/Would save: changes Meeting point: its shape/).waitFor();
    expect(loadConfigFile(file).cameras[0]!.zones[0]!.polygon[1]![0]).toBeCloseTo(0.63, 3);
    await screenshot(page, 'zone-editor-360');
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText(/Saved: changes Meeting point/).waitFor();

    const saved = loadConfigFile(file).cameras[0]!.zones[0]!.polygon;
    expect(saved[1]![0]).toBeCloseTo(0.73, 1);
    expect(saved[1]![1]).toBeCloseTo(0.4, 1);
    expect(saved[0]).toEqual([0.45, 0.4]);
    // The running camera (the same pipeline, not restarted) uses the new corner, in its pixels.
    expect(app.cameras[0]).toBe(pipeline);
    await waitFor(
      'the live zone',
      () => Math.abs(pipeline.zones[0]!.polygon[1]!.x - saved[1]![0] * 768) < 1,
    );
    expect(pipeline.status().restarts).toBe(restarts);
    expect(readFileSync(file, 'utf8')).toContain('meeting-point');

    // The site-wide concealment thresholds come from the file, and a change to them goes back
    // with the whole file (the editor once sent them without the cameras).
    const within = page.getByLabel('Hand to body within (s)');
    expect(await within.inputValue()).toBe(
      String(loadConfigFile(file).behaviour.concealment.windowSeconds),
    );
    await within.fill('4');
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page
      .getByText(/Needs a restart of the daemon: behaviour/)
      .waitFor({ timeout: 10_000 })
      .catch(async (err: unknown) => {
        throw new Error(
          `${String(err)}; the editor says: ${await page.locator('.result').textContent()}`,
        );
      });
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText(/Saved: the site-wide concealment thresholds/).waitFor();
    expect(loadConfigFile(file).behaviour.concealment.windowSeconds).toBe(4);
    expect(loadConfigFile(file).cameras[0]!.zones[0]!.polygon).toEqual(saved);

    // A change made meanwhile elsewhere: Apply is refused with an explanation, nothing is lost.
    const current = await fetch(`${base}/api/config`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    const etag = current.headers.get('etag')!;
    const zones = loadConfigFile(file).cameras[0]!.zones.map((z) => ({
      ...z,
      name: 'Renamed elsewhere',
    }));
    const put = await fetch(`${base}/api/cameras/square/zones`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${ADMIN}`,
        'content-type': 'application/json',
        'if-match': etag,
      },
      body: JSON.stringify({ zones }),
    });
    expect(put.status).toBe(200);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText(/The configuration changed since you opened it/).waitFor();
    await page.context().close();
  }, 120_000);
  test('clerk: a daemon restart shows "connection lost, reconnecting", then the console is live again by itself', async () => {
    const page = await phone();
    await page.goto(`${base}/#token=${ANN}`);
    await page.getByText('ann (clerk)').waitFor();
    // The stop ends the open live channel itself (it must not wait on it).
    const stopped = Date.now();
    await app.stop();
    expect(Date.now() - stopped).toBeLessThan(15_000);
    await page.getByText('Connection lost, reconnecting…').waitFor({ timeout: 20_000 });
    app = new VigilApp(loadConfigFile(file), log, { configFile: file });
    await app.start();
    await page
      .getByText(/Connection lost|Connecting/)
      .waitFor({ state: 'hidden', timeout: 30_000 });
    await page.context().close();
  }, 120_000);
});
