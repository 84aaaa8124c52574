import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { parse, stringify } from 'yaml';
import { VigilApp } from '../../services/app';
import type { CameraTamperPayload } from '../../services/alerts/payload-schemas';
import { loadConfigFile } from '../../services/config/load';
import { TEST_CLERK, TEST_CLERK_USER } from '../helpers/broker';
import { captureLogger } from '../helpers/logger';
import { requireVtest, tempDir } from '../helpers/media';
import { recordMqtt } from '../helpers/mqtt-recorder';
import { freePort } from '../helpers/ports';
import { siteConfig } from '../helpers/site';
import { contractViolation } from '../helpers/schema-check';
import { TRANSFORMS } from '../helpers/tamper-footage';
import { waitFor } from '../helpers/wait';

const meanOf = async (jpeg: Buffer) => (await sharp(jpeg).stats()).channels[0]!.mean;

/**
 * The daemon on a camera whose lens is covered 20 s into its clip (vtest.avi through ffmpeg,
 * played in real time, looped): a tamper alert on vigil/<camera>/health with the before and after
 * pictures, and tamper_cleared under the same id when the loop brings the picture back.
 */
describe('tamper alert in the daemon', () => {
  const dir = tempDir('vigil-tamper-');
  const { log } = captureLogger('info');
  let app: VigilApp | undefined;
  let stopRecording: (() => Promise<unknown>) | undefined;
  afterAll(async () => {
    await stopRecording?.();
    await app?.stop();
  }, 60_000);

  test('covered lens: tamper with before/after JPEGs within 5 s, then cleared when it is back', async () => {
    const clip = path.join(dir, 'covered.avi');
    execFileSync('ffmpeg', [
      ...['-v', 'error', '-y', '-i', requireVtest(), '-t', '30'],
      ...['-vf', TRANSFORMS.covered, '-c:v', 'mpeg4', '-q:v', '3', '-an', clip],
    ]);
    const mqttPort = await freePort();
    const { file } = siteConfig(
      dir,
      { url: 'embedded', embeddedPort: mqttPort, users: [TEST_CLERK_USER] },
      await freePort(),
    );
    const doc = parse(readFileSync(file, 'utf8')) as { cameras: { source: { url: string } }[] };
    doc.cameras[0]!.source.url = clip;
    writeFileSync(file, stringify(doc));
    app = new VigilApp(loadConfigFile(file), log, { configFile: file });
    await app.start();
    const rec = await recordMqtt(`mqtt://127.0.0.1:${mqttPort}`, 'vigil/#', undefined, TEST_CLERK);
    stopRecording = () => rec.client.endAsync();
    const health = () =>
      rec.messages
        .filter((m) => m.topic === 'vigil/square/health')
        .map((m) => JSON.parse(m.payload.toString()) as CameraTamperPayload);

    const raised = await waitFor(
      'a tamper alert',
      () => health().find((h) => h.type === 'tamper'),
      60_000,
      200,
    );
    expect(raised).toMatchObject({ kind: 'covered', camera: 'square', severity: 'high' });
    expect(Date.parse(raised.at) - Date.parse(raised.since)).toBeLessThanOrEqual(5000);
    expect(app.cameras[0]!.status().tamper).toBe('covered');
    // The pair came first: the normal picture before, the black one after.
    const bytes = (topic: string | undefined) =>
      rec.messages.find((m) => m.topic === topic)?.payload ?? Buffer.alloc(0);
    const before = bytes(raised.before?.topic);
    const after = bytes(raised.after?.topic);
    expect(await meanOf(before)).toBeGreaterThan(60);
    expect(await meanOf(after)).toBeLessThan(10);
    const order = (topic: string) => rec.messages.findIndex((m) => m.topic === topic);
    expect(order(raised.after!.topic)).toBeLessThan(order('vigil/square/health'));

    const cleared = await waitFor(
      'tamper_cleared when the loop shows the square again',
      () => health().find((h) => h.type === 'tamper_cleared'),
      60_000,
      200,
    );
    expect(cleared).toMatchObject({ id: raised.id, kind: 'covered', reason: 'restored' });
    expect(health().filter((h) => h.type === 'tamper')).toHaveLength(1);
    expect(rec.messages.map(contractViolation).filter(Boolean)).toEqual([]);
  }, 150_000);
});
