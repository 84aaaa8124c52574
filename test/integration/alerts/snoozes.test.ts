import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { sha256Hex } from '../../../services/core/hashing';
import { buildApi } from '../../../services/api/server';
import { AlertService } from '../../../services/alerts/alert-service';
import { MqttPublisher } from '../../../services/alerts/mqtt-publisher';
import { parseConfig } from '../../../services/config/load';
import { systemClock } from '../../../services/core/clock';
import { startEmbeddedBroker } from '../../helpers/broker';
import { ruleEvent } from '../../helpers/events';
import { captureLogger } from '../../helpers/logger';
import { tempDir } from '../../helpers/media';
import { recordMqtt } from '../../helpers/mqtt-recorder';
import { blackFrame, SMALL_CAM } from '../../helpers/scene';
import { waitFor } from '../../helpers/wait';
import { testApiContext } from '../../helpers/api-context';

test('a snooze is listed by the API, visible on the retained snoozes topic, cancellable by an admin, and both are in the audit log', async () => {
  const { log } = captureLogger('warn');
  const { broker, url, vigil, clerk, viewer } = await startEmbeddedBroker(log, 'vigil-snooze');
  const dataDir = tempDir('vigil-snooze-');
  const config = parseConfig({
    dataDir,
    alerts: { zoneCooldownSeconds: 0 },
    cameras: [{ id: 'cam', source: { url: 'rtsp://127.0.0.1/x' } }],
  });
  const pub = new MqttPublisher({ url, ...vigil }, log);
  await pub.start();
  const alerts = new AlertService(config, pub, systemClock, log);
  await alerts.start();
  const api = buildApi(
    testApiContext({
      tokens: () => [
        { name: 'ops', role: 'admin', sha256: sha256Hex('admin-t') },
        { name: 'screen', role: 'viewer', sha256: sha256Hex('viewer-t') },
      ],
      snoozes: alerts,
    }),
    log,
  );
  await api.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
  const call = (method: string, p: string, token: string) =>
    fetch(`${base}${p}`, { method, headers: { authorization: `Bearer ${token}` } });
  const watcher = await recordMqtt(url, 'vigil/cam/snoozes', undefined, viewer);
  const clerkClient = await recordMqtt(url, 'vigil/cam/alerts', undefined, clerk);
  try {
    const now = Date.now();
    const [start] = await alerts.dispatcher.dispatch(
      SMALL_CAM,
      blackFrame(),
      [],
      [ruleEvent('start', { trackId: 1, startedAtMs: now - 31_000, atMs: now })],
    );
    await clerkClient.client.publishAsync(
      `vigil/cam/alerts/${start!.id}/snooze`,
      JSON.stringify({ by: 'ann', minutes: 30 }),
      { qos: 1 },
    );
    await waitFor('the snooze applied', () => alerts.commandsApplied === 1);
    const listed = (await (await call('GET', '/api/snoozes', 'viewer-t')).json()) as {
      snoozes: { key: string; by: string }[];
    };
    expect(listed.snoozes).toEqual([
      expect.objectContaining({ camera: 'cam', by: 'ann', rule: 'loitering' }),
    ]);
    const key = listed.snoozes[0]!.key;
    // A screen that subscribes afterwards still learns of it: the topic is retained.
    await waitFor('published', () => watcher.messages.length > 0);
    const late = await recordMqtt(url, 'vigil/cam/snoozes', undefined, viewer);
    const shown = await waitFor('the retained snoozes', () => late.messages[0]);
    await late.client.endAsync();
    expect(shown.retain).toBe(true);
    expect(JSON.parse(shown.payload.toString()).snoozes).toHaveLength(1);
    // A viewer may not cancel; an admin may, once.
    expect((await call('DELETE', `/api/snoozes/${key}`, 'viewer-t')).status).toBe(403);
    expect((await call('DELETE', `/api/snoozes/${key}`, 'admin-t')).status).toBe(204);
    expect((await call('DELETE', `/api/snoozes/${key}`, 'admin-t')).status).toBe(404);
    expect(
      ((await (await call('GET', '/api/snoozes', 'viewer-t')).json()) as { snoozes: unknown[] })
        .snoozes,
    ).toEqual([]);
    await waitFor('the empty list published', () =>
      watcher.messages.some((m) => JSON.parse(m.payload.toString()).snoozes.length === 0),
    );
    const audit = readFileSync(path.join(dataDir, 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(audit.map((a) => [a.action, a.by, a.via])).toEqual([
      ['snooze', 'ann', 'mqtt'],
      ['snooze-cancel', 'ops', 'api'],
    ]);
  } finally {
    await watcher.client.endAsync();
    await clerkClient.client.endAsync();
    await api.close();
    await alerts.stop();
    await pub.stop();
    await broker.stop();
  }
});
