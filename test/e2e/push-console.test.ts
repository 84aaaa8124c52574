import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { parse, stringify } from 'yaml';
import { VigilApp } from '../../services/app';
import { cropRect } from '../../services/alerts/person-crop';
import type { AlertPayload } from '../../services/alerts/payload-schemas';
import { makeLocalCa } from '../../services/api/local-ca';
import { loadConfigFile } from '../../services/config/load';
import { sha256Hex } from '../../services/core/hashing';
import { CHROMIUM, requireChromium, screenshot } from '../helpers/browser';
import { TEST_CLERK, TEST_CLERK_USER } from '../helpers/broker';
import { captureLogger } from '../helpers/logger';
import { tempDir } from '../helpers/media';
import { recordMqtt } from '../helpers/mqtt-recorder';
import type { Received } from '../helpers/mqtt-recorder';
import { freePort } from '../helpers/ports';
import { startPushReceiver } from '../helpers/push-receiver';
import { siteConfig } from '../helpers/site';
import { waitFor } from '../helpers/wait';

const ANN = 'push-clerk-ann-token';
const BOB = 'push-clerk-bob-token';
const PHONE = { width: 360, height: 780 };

/** The browser side, typed here (the tests' tsconfig has no DOM library). */
interface Note {
  title: string;
  tag: string;
  body: string;
  image: string;
  actions: { action: string; title: string }[];
}
interface Registration {
  active: { scriptURL: string } | null;
  scope: string;
  getNotifications(): Promise<Note[]>;
}
type InPage = { navigator: { serviceWorker: { ready: Promise<Registration> } } };
type InWorker = {
  registration: Registration;
  dispatchEvent(e: unknown): boolean;
  NotificationEvent: new (type: string, init: object) => unknown;
};

/** Chromium trusts exactly this certificate's key (the CA cannot be added without NSS tools). */
function spkiPin(certFile: string): string {
  const key = new X509Certificate(readFileSync(certFile)).publicKey.export({
    type: 'spki',
    format: 'der',
  });
  return createHash('sha256').update(key).digest('base64');
}

/**
 * Must-show 2 and 4: the console over HTTPS with the certificate `npm run token -- cert` makes,
 * its service worker installed; the daemon's push (received and decrypted by a loopback push
 * service) delivered to the worker through the DevTools protocol shows a notification with
 * Acknowledge; that action, dispatched in the worker with every page of that phone closed,
 * acknowledges the alert: on MQTT and on a second console. Headless Chromium cannot subscribe
 * (no push service reachable here), so the device's subscription is registered through the API
 * with the loopback push service's keys, as the console's button would.
 */
(requireChromium('the push console test') ? describe : describe.skip)(
  'push to a closed console',
  () => {
    const dir = tempDir('vigil-push-e2e-');
    const { log, lines } = captureLogger('info');
    let app: VigilApp;
    let base: string;
    let browser: Browser;
    let messages: Received[];
    let stopRecording: () => Promise<void>;
    let receiver: Awaited<ReturnType<typeof startPushReceiver>>;

    beforeAll(async () => {
      const tls = makeLocalCa(path.join(dir, 'tls'), ['localhost', '127.0.0.1']);
      const mqttPort = await freePort();
      const { file } = siteConfig(
        dir,
        { url: 'embedded', embeddedPort: mqttPort, users: [TEST_CLERK_USER] },
        {
          port: await freePort(),
          tokens: [
            { name: 'ann', role: 'clerk', sha256: sha256Hex(ANN) },
            { name: 'bob', role: 'clerk', sha256: sha256Hex(BOB) },
          ],
          tlsCertFile: tls.cert,
          tlsKeyFile: tls.key,
        },
        6,
      );
      const doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      writeFileSync(file, stringify({ ...doc, push: { allowLoopbackHttp: true } }));
      receiver = await startPushReceiver();
      app = new VigilApp(loadConfigFile(file), log, { configFile: file });
      base = (await app.start()).api!;
      // ann's phone, registered before the first alert (the browser cannot subscribe here).
      const sub = receiver.subscribe('ann-phone');
      // Through the generated CA, as a phone that trusts it would.
      await new Promise<void>((resolve, reject) => {
        const req = https.request(
          `${base}/api/push/subscriptions`,
          {
            method: 'POST',
            ca: readFileSync(tls.caCert),
            headers: { authorization: `Bearer ${ANN}`, 'content-type': 'application/json' },
          },
          (r) => {
            r.resume();
            if (r.statusCode === 201) resolve();
            else reject(new Error(`subscription answered ${r.statusCode}`));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ endpoint: sub.endpoint, keys: sub.keys, device: 'ann-phone' }));
      });
      const rec = await recordMqtt(
        `mqtt://127.0.0.1:${mqttPort}`,
        'vigil/+/alerts',
        undefined,
        TEST_CLERK,
      );
      messages = rec.messages;
      stopRecording = () => rec.client.endAsync();
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', `--ignore-certificate-errors-spki-list=${spkiPin(tls.cert)}`],
      });
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await stopRecording?.();
      await app?.stop();
      await receiver?.close();
    }, 60_000);

    async function phone(token: string): Promise<{ ctx: BrowserContext; page: Page }> {
      const ctx = await browser.newContext({ viewport: PHONE, hasTouch: true });
      await ctx.grantPermissions(['notifications'], { origin: base });
      const page = await ctx.newPage();
      page.on('pageerror', (err) => {
        throw err;
      });
      await page.goto(`${base}/#token=${token}`);
      return { ctx, page };
    }

    const alertsOnMqtt = () =>
      messages.map((m) => JSON.parse(m.payload.toString()) as AlertPayload);

    test('the push shows a notification with Acknowledge; the action acknowledges with every page closed', async () => {
      const { ctx, page } = await phone(ANN);
      await page.getByText('ann (clerk)').waitFor();
      // The service worker is installed over HTTPS, scope /.
      const sw = await page.evaluate(async () => {
        const reg = await (globalThis as unknown as InPage).navigator.serviceWorker.ready;
        return { script: reg.active?.scriptURL, scope: reg.scope };
      });
      expect(sw).toEqual({ script: `${base}/console/sw.js`, scope: `${base}/` });
      const other = await phone(BOB);

      // The card: the person's crop first (must-show 4).
      const card = page.locator('article.card').first();
      await card.waitFor({ timeout: 90_000 });
      const id = (await card.getAttribute('data-id'))!;
      const img = card.locator('img.snapshot.crop');
      await waitFor('the crop loaded', () =>
        img.evaluate((el) => {
          const i = el as unknown as { naturalWidth: number; complete: boolean };
          return i.naturalWidth > 0 && i.complete;
        }),
      );
      const start = alertsOnMqtt().find((a) => a.id === id && a.type === 'start')!;
      const shown = (await img.boundingBox())!;
      const frameBox = {
        x: start.box.x * 768,
        y: start.box.y * 576,
        w: start.box.w * 768,
        h: start.box.h * 576,
      };
      const rect = cropRect(frameBox, 768, 576);
      const personPx = (frameBox.h / rect.height) * shown.height;
      expect(personPx).toBeGreaterThanOrEqual(120);
      await card.screenshot({ path: await screenshot(page, 'push-card-crop-360') });
      // A tap shows the full frame.
      await card.getByRole('button', { name: 'Show the full frame' }).click();
      await card.locator('img.snapshot:not(.crop)').waitFor();
      await card.getByRole('button', { name: 'Show the person' }).click();

      // The daemon's push, as the loopback push service received and decrypted it.
      const push = await waitFor('the push of this alert', () =>
        receiver.received.find((p) => (p.payload as { alertId: string }).alertId === id),
      );
      expect(push.jwt.verified).toBe(true);
      const cdp = await ctx.newCDPSession(page);
      const registered = new Promise<string>((resolve) =>
        cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => {
          const r = e.registrations.find((x) => x.scopeURL === `${base}/` && !x.isDeleted);
          if (r) resolve(r.registrationId);
        }),
      );
      await cdp.send('ServiceWorker.enable');
      await cdp.send('ServiceWorker.deliverPushMessage', {
        origin: base,
        registrationId: await registered,
        data: JSON.stringify(push.payload),
      });
      const shownNotes = await waitFor(
        'the notification',
        async () => {
          const notes = await page.evaluate(async () => {
            const reg = await (globalThis as unknown as InPage).navigator.serviceWorker.ready;
            return (await reg.getNotifications()).map((n) => ({
              title: n.title,
              tag: n.tag,
              body: n.body,
              actions: n.actions.map((a) => [a.action, a.title]),
              image: n.image,
            }));
          });
          return notes.find((n) => n.tag === id);
        },
        30_000,
      );
      expect(shownNotes.title).toBe('Loitering · Meeting point');
      expect(shownNotes.body).toContain('Campus square');
      expect(shownNotes.actions).toEqual([
        ['ack', 'Acknowledge'],
        ['snooze', 'Snooze 15 min'],
      ]);
      expect(shownNotes.image).toMatch(/^data:image\/jpeg;base64,/);

      // Every page of ann's phone closed; the worker alone answers.
      const [worker] = ctx.serviceWorkers();
      await page.close();
      expect(ctx.pages()).toEqual([]);
      await worker!.evaluate(async (alertId) => {
        const g = globalThis as unknown as InWorker;
        const n = (await g.registration.getNotifications()).find((x) => x.tag === alertId);
        g.dispatchEvent(
          new g.NotificationEvent('notificationclick', { notification: n, action: 'ack' }),
        );
      }, id);
      await waitFor(
        'the ack on MQTT',
        () => alertsOnMqtt().some((a) => a.id === id && a.type === 'update' && a.ack?.by === 'ann'),
        20_000,
      );
      await other.page
        .locator(`article.card[data-id="${id}"]`)
        .getByText('Acknowledged by ann')
        .waitFor({ timeout: 10_000 });
      expect(lines().some((l) => l.code === 'VIGIL_ERR_API_PLAIN_HTTP')).toBe(false);
      await other.ctx.close();
      await ctx.close();
    }, 240_000);
  },
);
