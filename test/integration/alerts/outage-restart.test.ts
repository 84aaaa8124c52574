import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { AlertService } from '../../../services/alerts/alert-service';
import { MqttPublisher } from '../../../services/alerts/mqtt-publisher';
import type { CameraHealthPayload } from '../../../services/alerts/payload-schemas';
import { parseConfig } from '../../../services/config/load';
import type { CameraStatus } from '../../../services/core/camera-status';
import { systemClock } from '../../../services/core/clock';
import { startEmbeddedBroker } from '../../helpers/broker';
import { captureLogger } from '../../helpers/logger';
import { tempDir } from '../../helpers/media';
import { recordMqtt } from '../../helpers/mqtt-recorder';
import { waitFor } from '../../helpers/wait';

const status = (state: CameraStatus['state']) =>
  ({ id: 'cam', name: 'Cam', state, lastError: null }) as unknown as CameraStatus;
const event = (id: string, type: 'camera_offline' | 'camera_online', downSinceMs: number) => ({
  id,
  type,
  downSinceMs,
  atMs: Date.now(),
  state: 'unreachable' as const,
});

/**
 * One site's data folder and broker, and `run()`: a fresh AlertService on them, as after a
 * restart (the previous ones are left running, as a crash leaves nothing to stop). `health()`
 * is what reached vigil/cam/health.
 */
async function site() {
  const { log } = captureLogger('warn');
  const b = await startEmbeddedBroker(log);
  const rec = await recordMqtt(b.url, 'vigil/cam/health', undefined, b.viewer);
  const config = parseConfig({
    dataDir: tempDir('vigil-outage-'),
    cameras: [{ id: 'cam', source: { url: 'rtsp://h/s' } }],
  });
  const runs: { pub: MqttPublisher; alerts: AlertService }[] = [];
  return {
    run: async () => {
      const pub = new MqttPublisher({ url: b.url, ...b.vigil }, log);
      await pub.start();
      const alerts = new AlertService(config, pub, systemClock, log);
      await alerts.start();
      runs.push({ pub, alerts });
      return alerts;
    },
    /**
     * Waits until the runs so far have marked every message delivered on disk: a crash between
     * the broker's acknowledgement and that mark (a few ms of group commit) sends it again after
     * the restart, at least once by design; these tests crash outside that window.
     */
    settled: () =>
      waitFor('the delivered marks on disk', () => {
        const dir = path.join(config.dataDir, 'outbox');
        const lines = readdirSync(dir)
          .filter((f) => f.endsWith('.log'))
          .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split('\n'))
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { seq?: number; d?: number });
        const done = new Set(lines.map((l) => l.d));
        return lines.every((l) => l.seq === undefined || done.has(l.seq));
      }),
    health: () => rec.messages.map((m) => JSON.parse(m.payload.toString()) as CameraHealthPayload),
    close: async () => {
      for (const r of runs) {
        await r.alerts.stop();
        await r.pub.stop();
      }
      await rec.client.endAsync();
      await b.broker.stop();
    },
  };
}

test('an outage announced before a restart is not announced again under a new id, and ends once, under its first id', async () => {
  const s = await site();
  try {
    const t0 = Date.now() - 120_000;
    // Run 1 announces the outage, then dies (no stop).
    (await s.run()).publishHealth(event('first-id', 'camera_offline', t0), status('unreachable'));
    await waitFor('the offline', () => s.health().length === 1);
    await s.settled();
    // Run 2: the camera is still down; its own watch fires again with a new id, then it returns.
    const second = await s.run();
    second.publishHealth(event('second-id', 'camera_offline', Date.now()), status('unreachable'));
    second.publishStatus(status('streaming'));
    second.publishHealth(event('second-id', 'camera_online', Date.now()), status('streaming'));
    await waitFor('the online', () => s.health().some((h) => h.type === 'camera_online'));
    // Run 3: nothing left to announce or end.
    (await s.run()).publishStatus(status('streaming'));
    await new Promise((r) => setTimeout(r, 500));
    expect(s.health().map((h) => [h.type, h.id])).toEqual([
      ['camera_offline', 'first-id'],
      ['camera_online', 'first-id'],
    ]);
    expect(s.health()[1]!.downSince).toBe(new Date(t0).toISOString());
  } finally {
    await s.close();
  }
});

test('a camera that came back while Vigil was down gets its camera_online when it first streams', async () => {
  const s = await site();
  try {
    (await s.run()).publishHealth(
      event('gone', 'camera_offline', Date.now() - 90_000),
      status('backoff'),
    );
    await waitFor('the offline', () => s.health().length === 1);
    await s.settled();
    const next = await s.run();
    next.publishStatus(status('connecting'));
    next.publishStatus(status('streaming'));
    next.publishStatus(status('streaming'));
    await waitFor('two messages', () => s.health().length >= 2);
    await new Promise((r) => setTimeout(r, 500));
    expect(s.health().map((h) => [h.type, h.id])).toEqual([
      ['camera_offline', 'gone'],
      ['camera_online', 'gone'],
    ]);
  } finally {
    await s.close();
  }
});
