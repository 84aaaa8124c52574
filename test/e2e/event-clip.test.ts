import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { Browser } from 'playwright-core';
import { VigilApp } from '../../services/app';
import type { AlertPayload } from '../../services/alerts/payload-schemas';
import type { TuneReport } from '../../services/analysis/tune';
import { sha256Hex } from '../../services/core/hashing';
import { loadConfigFile } from '../../services/config/load';
import { axeViolations, launchChromium, requireChromium, screenshot } from '../helpers/browser';
import { TEST_CLERK, TEST_CLERK_USER } from '../helpers/broker';
import { captureLogger } from '../helpers/logger';
import { REPO, requireVtest, tempDir } from '../helpers/media';
import { recordMqtt } from '../helpers/mqtt-recorder';
import type { Received } from '../helpers/mqtt-recorder';
import { freePort } from '../helpers/ports';
import { contractViolation } from '../helpers/schema-check';
import { waitFor } from '../helpers/wait';

const VIEWER = 'clip-viewer-vera';

/** ffprobe's codec and duration of a file. */
function probe(file: string): { codec: string; duration: number } {
  const text = execFileSync(
    'ffprobe',
    [
      ...['-v', 'error', '-select_streams', 'v:0'],
      ...['-show_entries', 'stream=codec_name:format=duration', '-of', 'json', file],
    ],
    { encoding: 'utf8' },
  );
  const j = JSON.parse(text) as { streams: { codec_name: string }[]; format: { duration: string } };
  return { codec: j.streams[0]!.codec_name, duration: Number(j.format.duration) };
}

/**
 * The demo (config/demo.yaml: vtest.avi in real time, its meeting-point zone) makes an incident
 * whose event clip is announced on its MQTT `end`, served over the API to a viewer token (each
 * download audited), is H.264 with the pre- and post-roll, and plays in Chromium from the console.
 */
(requireChromium('the event clip browser test') ? describe : describe.skip)(
  'event clips and tuning on the demo',
  () => {
    const dir = tempDir('vigil-clip-');
    const { log } = captureLogger('info');
    let app: VigilApp | undefined;
    let browser: Browser | undefined;
    const recorders: { endAsync(): Promise<unknown> }[] = [];

    afterAll(async () => {
      await browser?.close();
      await Promise.all(recorders.map((r) => r.endAsync()));
      await app?.stop();
    }, 60_000);

    test('the demo incident: clip on the end message, fetched by a viewer, H.264 with pre + post roll, audited, plays in the console; then tuned to a longer dwell (API and npm run tune)', async () => {
      const demo = parse(readFileSync(path.join(REPO, 'config/demo.yaml'), 'utf8')) as {
        [k: string]: unknown;
        api: { tokens: unknown[] };
        cameras: { source: { url: string }; zones: unknown[] }[];
      };
      const mqttPort = await freePort();
      const dataDir = path.join(dir, 'data');
      const config = {
        ...demo,
        dataDir,
        api: {
          ...demo.api,
          port: await freePort(),
          tokens: [...demo.api.tokens, { name: 'vera', role: 'viewer', sha256: sha256Hex(VIEWER) }],
        },
        mqtt: { url: 'embedded', embeddedPort: mqttPort, users: [TEST_CLERK_USER] },
        cameras: demo.cameras.map((c) => ({ ...c, source: { ...c.source, url: requireVtest() } })),
      };
      const file = path.join(dir, 'demo.yaml');
      writeFileSync(file, stringify(config));
      const loaded = loadConfigFile(file);
      const { clipPreRollSeconds: pre, clipPostRollSeconds: post } = loaded.alerts;
      app = new VigilApp(loaded, log, { configFile: file });
      const base = (await app.start()).api!;
      const rec = await recordMqtt(
        `mqtt://127.0.0.1:${mqttPort}`,
        'vigil/#',
        undefined,
        TEST_CLERK,
      );
      recorders.push(rec.client);
      const alerts = () =>
        rec.messages
          .filter((m: Received) => m.topic === 'vigil/square/alerts')
          .map((m) => JSON.parse(m.payload.toString()) as AlertPayload);

      // A clerk's console is open before the incident ends.
      browser = await launchChromium();
      const page = await // bypassCSP only so the test can inject axe-core.
      (
        await browser.newContext({ viewport: { width: 360, height: 780 }, bypassCSP: true })
      ).newPage();
      await page.goto(`${base}/`);
      await page.getByLabel('Access token').fill('vgl_clerk_demo');
      await page.getByRole('button', { name: 'Log in' }).click();
      const card = page.locator('article.card').first();
      await card.waitFor({ timeout: 90_000 });

      const end = await waitFor(
        'an end carrying its clip',
        () => alerts().find((a) => a.type === 'end' && a.clip),
        120_000,
        250,
      );
      expect(end.clip).toMatchObject({ url: `/api/alerts/${end.id}/clip` });
      expect(rec.messages.map(contractViolation).filter(Boolean)).toEqual([]);

      // A viewer fetches it; without a token nobody does.
      expect((await fetch(`${base}${end.clip!.url}`)).status).toBe(401);
      const res = await fetch(`${base}${end.clip!.url}`, {
        headers: { authorization: `Bearer ${VIEWER}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('video/mp4');
      const mp4 = Buffer.from(await res.arrayBuffer());
      expect(mp4.length).toBe(end.clip!.bytes);
      const local = path.join(dir, 'fetched.mp4');
      writeFileSync(local, mp4);
      const { codec, duration } = probe(local);
      expect(codec).toBe('h264');
      expect(duration).toBeGreaterThanOrEqual(pre + post);
      // +faststart: the index (moov) before the media (mdat), so a phone plays while downloading.
      expect(mp4.indexOf('moov')).toBeLessThan(mp4.indexOf('mdat'));
      const part = await fetch(`${base}${end.clip!.url}`, {
        headers: { authorization: `Bearer ${VIEWER}`, range: 'bytes=0-99' },
      });
      expect(part.status).toBe(206);
      expect((await part.arrayBuffer()).byteLength).toBe(100);

      const audit = readFileSync(path.join(dataDir, 'audit.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { by: string; action: string; target: string });
      expect(audit.filter((e) => e.action === 'clip-download' && e.target === end.id)).toEqual([
        expect.objectContaining({ by: 'vera', via: 'api' }),
        expect.objectContaining({ by: 'vera', detail: expect.objectContaining({ range: '0-99' }) }),
      ]);

      // The card stays once the incident is over, for its clip: the clerk watches, then judges.
      const playing = async (video: ReturnType<typeof page.locator>) => {
        await video.waitFor();
        return waitFor(
          'the clip playing',
          () =>
            video.evaluate((v) => {
              const el = v as unknown as { currentTime: number; duration: number; error: unknown };
              return el.error ? 'error' : el.currentTime > 0.5 ? el.duration : undefined;
            }),
          30_000,
          250,
        );
      };
      const ended = page.locator(`article.card[data-id="${end.id}"]`);
      await ended.getByText('Over. Watch the clip, then judge it.').waitFor();
      // A console opened only now (another clerk's phone) shows the same card to judge.
      const late = await (
        await browser.newContext({ viewport: { width: 360, height: 780 } })
      ).newPage();
      await late.goto(`${base}/`);
      await late.getByLabel('Access token').fill('vgl_clerk_demo');
      await late.getByRole('button', { name: 'Log in' }).click();
      await late
        .locator(`article.card[data-id="${end.id}"]`)
        .getByText('Over. Watch the clip, then judge it.')
        .waitFor({ timeout: 20_000 });
      await late.close();
      await ended.getByRole('button', { name: `Play clip of alert ${end.id.slice(0, 8)}` }).click();
      expect(await playing(ended.locator('video.clip'))).toBeGreaterThanOrEqual(pre + post);
      await screenshot(page, 'clerk-clip-360');
      expect(await axeViolations(page)).toEqual([]);
      await ended.getByRole('button', { name: 'False alarm' }).click();
      await ended.waitFor({ state: 'detached', timeout: 10_000 });

      // And from the history.
      await page.getByRole('link', { name: 'History' }).click();
      await page.getByRole('button', { name: `Play clip of alert ${end.id.slice(0, 8)}` }).click();
      expect(await playing(page.locator('.history video.clip'))).toBeGreaterThanOrEqual(pre + post);
      await screenshot(page, 'history-clip-360');
      const downloads = readFileSync(path.join(dataDir, 'audit.jsonl'), 'utf8').match(
        /"action":"clip-download","target":"[^"]+"/g,
      );
      // The viewer's two fetches and the console's one (its second play reuses what it fetched).
      expect(downloads).toHaveLength(3);

      // The integrator asks what a 30 s dwell would have done.
      const longer = structuredClone(config);
      for (const z of longer.cameras[0]!.zones as { loitering: { dwellSeconds: number } }[])
        z.loitering.dwellSeconds = 30;
      const candidateFile = path.join(dir, 'candidate.yaml');
      writeFileSync(candidateFile, stringify(longer));
      const asked = await fetch(`${base}/api/tune`, {
        method: 'POST',
        headers: { authorization: 'Bearer vgl_admin_demo', 'content-type': 'application/json' },
        body: JSON.stringify({ since: '1h', config: longer }),
      });
      expect(asked.status).toBe(200);
      const report = (await asked.json()) as TuneReport;
      const row = report.rows.find((r) => r.zone === 'meeting-point' && r.rule === 'loitering');
      expect(row).toMatchObject({ candidate: 0, falseAlarms: { total: 1, removed: 1 } });
      expect(row!.current).toBeGreaterThanOrEqual(1);
      expect(row!.vanish).toBe(row!.current);
      const asViewer = await fetch(`${base}/api/tune`, {
        method: 'POST',
        headers: { authorization: `Bearer ${VIEWER}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(asViewer.status).toBe(403);
      const bad = async (body: unknown) => {
        const r = await fetch(`${base}/api/tune`, {
          method: 'POST',
          headers: { authorization: 'Bearer vgl_admin_demo', 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return [r.status, ((await r.json()) as { code: string }).code];
      };
      expect(await bad({ since: 'forever' })).toEqual([400, 'VIGIL_ERR_REQUEST_INVALID']);
      expect(await bad({ config: { cameras: [] } })).toEqual([400, 'VIGIL_ERR_CONFIG_INVALID']);

      // The integrator does it from the zone editor: a 30 s dwell, replayed on the recordings.
      const editor = await (
        await browser.newContext({ viewport: { width: 360, height: 780 }, bypassCSP: true })
      ).newPage();
      await editor.goto(`${base}/#token=vgl_admin_demo`);
      await editor.getByRole('link', { name: 'Cameras' }).click();
      await editor.getByRole('link', { name: 'Edit zones' }).click();
      await editor.getByLabel('Dwell seconds').fill('30');
      await editor.getByRole('button', { name: 'Replay last 7 days' }).click();
      const tuned = editor.locator('table.tune tbody tr').first();
      await tuned.waitFor({ timeout: 30_000 }).catch(async (err: unknown) => {
        throw new Error(
          `${String(err)}; the editor says: ${await editor.locator('.result').textContent()}`,
        );
      });
      // now, with the candidate, vanish, new, confirmed kept, false alarms removed: as the API said.
      const counts = [String(row!.current), '0', String(row!.current), '0', '0/0', '1/1'];
      expect(await tuned.locator('td').allTextContents()).toEqual([
        'meeting-point',
        'loitering',
        ...counts,
      ]);
      await screenshot(editor, 'zone-editor-replay-360');
      expect(await axeViolations(editor)).toEqual([]);

      // The same from the command line, on the demo's recordings once the daemon has stopped.
      await app.stop();
      app = undefined;
      const printed = execFileSync(
        process.execPath,
        [
          path.join(REPO, 'dist/scripts/tune.js'),
          ...['--current', file, '--config', candidateFile, '--since', '1h'],
        ],
        { encoding: 'utf8' },
      );
      const line = printed.split('\n').find((l) => /^square\s+meeting-point\s+loitering/.test(l));
      expect(line?.split(/\s+/).slice(3)).toEqual(counts);
    }, 240_000);
  },
);
