import { AlertService } from '../../../services/alerts/alert-service';
import type { AlertPayload } from '../../../services/alerts/payload-schemas';
import { sha256Hex } from '../../../services/core/hashing';
import { buildApi } from '../../../services/api/server';
import { systemClock } from '../../../services/core/clock';
import { Metrics } from '../../../services/metrics/metrics';
import { startAlertSite } from '../../helpers/alert-site';
import { ruleEvent } from '../../helpers/events';
import { captureLogger } from '../../helpers/logger';
import { recordMqtt } from '../../helpers/mqtt-recorder';
import { blackFrame, SMALL_CAM } from '../../helpers/scene';
import { waitFor } from '../../helpers/wait';

const TOKENS = [
  { name: 'vic', role: 'viewer' as const, sha256: sha256Hex('viewer-token') },
  { name: 'ann', role: 'clerk' as const, sha256: sha256Hex('clerk-token') },
  { name: 'ops', role: 'admin' as const, sha256: sha256Hex('admin-token') },
];

/** Reads Server-Sent Events from /api/events into a list, until aborted. */
function readEvents(base: string, token: string) {
  const events: { type: string; data: Record<string, unknown> }[] = [];
  const abort = new AbortController();
  const done = (async () => {
    const res = await fetch(`${base}/api/events`, {
      headers: { authorization: `Bearer ${token}` },
      signal: abort.signal,
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    let buf = '';
    for await (const chunk of res.body! as unknown as AsyncIterable<Uint8Array>) {
      buf += Buffer.from(chunk).toString('utf8');
      let end: number;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const type = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (type && data) events.push({ type, data: JSON.parse(data) as Record<string, unknown> });
      }
    }
  })().catch(() => undefined);
  return { events, stop: () => (abort.abort(), done) };
}

test('the console API: clerk answers (ack, snooze, verdict) as the MQTT commands, live events, verdict counts in the API and /metrics', async () => {
  const { log } = captureLogger('debug');
  const site = await startAlertSite(log, 'vigil-console', 'vigil-console-api-');
  const { url, clerk, dataDir, config, pub, alerts } = site;
  const metrics = new Metrics({
    cameras: () => [],
    alertsByRule: () => new Map(),
    outboxDepth: () => 0,
    outboxDropped: () => 0,
    feedback: () => alerts.feedback.rows(),
  });
  const app = buildApi(
    {
      cameras: () => [],
      backend: () => ({ name: 'onnx', skipped: [] }),
      mqttConnected: () => true,
      startedAt: new Date().toISOString(),
      version: '0',
      tokens: () => TOKENS,
      history: alerts.history,
      snoozes: alerts,
      clerk: alerts,
      dataDir,
      metrics,
    },
    log,
  );
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  const rec = await recordMqtt(url, 'vigil/cam/alerts', undefined, clerk);
  const live = readEvents(base, 'viewer-token');
  const echoes = () =>
    rec.messages
      .map((m) => JSON.parse(m.payload.toString()) as AlertPayload)
      .filter((a) => a.type === 'update');
  try {
    expect((await call('GET', '/api/session', 'clerk-token')).body).toEqual({
      name: 'ann',
      role: 'clerk',
    });
    const now = Date.now();
    const [start] = await alerts.dispatcher.dispatch(
      SMALL_CAM,
      blackFrame(),
      [],
      [ruleEvent('start', { trackId: 1, startedAtMs: now - 31_000, atMs: now })],
    );
    const id = start!.id;
    // The console opens: the incident is listed, and the live channel carried its start.
    const listed = (await call('GET', '/api/incidents', 'viewer-token')).body
      .incidents as AlertPayload[];
    expect(listed.map((a) => [a.id, a.type])).toEqual([[id, 'start']]);
    await waitFor('the start on the live channel', () =>
      live.events.some((e) => e.type === 'alert' && (e.data.alert as AlertPayload).id === id),
    );

    // A viewer cannot answer; a clerk can, with the token's name as who answered.
    const refused = await call('POST', `/api/alerts/${id}/ack`, 'viewer-token', {});
    expect(refused).toMatchObject({ status: 403, body: { code: 'VIGIL_ERR_FORBIDDEN' } });
    expect(
      await call('POST', `/api/alerts/${id}/ack`, 'clerk-token', { note: 'on my way' }),
    ).toEqual({
      status: 200,
      body: { alertId: id, command: 'ack', by: 'ann' },
    });
    await waitFor('the ack echoed on MQTT', () => echoes().some((a) => a.ack?.by === 'ann'));
    await waitFor('the answer on the live channel', () =>
      live.events.some(
        (e) => e.type === 'answer' && e.data.command === 'ack' && e.data.by === 'ann',
      ),
    );

    // Verdicts: false alarm, then changed to confirmed; echoed, counted once.
    for (const verdict of ['false_alarm', 'confirmed'])
      expect(
        (await call('POST', `/api/alerts/${id}/feedback`, 'clerk-token', { verdict })).body,
      ).toEqual({ alertId: id, command: 'feedback', by: 'ann', verdict });
    await waitFor('both verdicts echoed', () => echoes().filter((a) => a.feedback).length === 2);
    expect(echoes().at(-1)).toMatchObject({ feedback: { verdict: 'confirmed', by: 'ann' } });

    // A second incident, judged over MQTT by a clerk login: the same counts.
    const [second] = await alerts.dispatcher.dispatch(
      SMALL_CAM,
      blackFrame(),
      [],
      [ruleEvent('start', { trackId: 2, startedAtMs: now - 31_000, atMs: now + 1000 })],
    );
    await rec.client.publishAsync(
      `vigil/cam/alerts/${second!.id}/feedback`,
      JSON.stringify({ by: 'bob', verdict: 'false_alarm' }),
      { qos: 1 },
    );
    await waitFor('the MQTT verdict applied', () => alerts.commandsApplied === 4);
    // A third, unanswered.
    await alerts.dispatcher.dispatch(
      SMALL_CAM,
      blackFrame(),
      [],
      [ruleEvent('start', { trackId: 3, startedAtMs: now - 31_000, atMs: now + 2000 })],
    );
    const page = await call('GET', '/api/alerts?type=start', 'viewer-token');
    const row = { camera: 'cam', zone: start!.zone, rule: start!.rule };
    expect(page.body.feedback).toEqual([
      { ...row, alerts: 3, confirmed: 1, falseAlarm: 1, unanswered: 1 },
    ]);
    const text = await (
      await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer viewer-token' } })
    ).text();
    const labels = `camera="cam",zone="${row.zone}",rule="${row.rule}"`;
    expect(text).toContain(`vigil_alert_feedback_total{${labels},verdict="confirmed"} 1`);
    expect(text).toContain(`vigil_alert_feedback_total{${labels},verdict="false_alarm"} 1`);
    expect(text).toContain(`vigil_alert_feedback_total{${labels},verdict="unanswered"} 1`);

    // Snooze from the API; then bad input and unknown incidents, each with its code.
    const snoozed = await call('POST', `/api/alerts/${id}/snooze`, 'clerk-token', { minutes: 30 });
    expect(snoozed.body).toMatchObject({ command: 'snooze', by: 'ann', until: expect.any(String) });
    expect((await call('GET', '/api/snoozes', 'viewer-token')).body.snoozes).toEqual([
      expect.objectContaining({ camera: 'cam', by: 'ann' }),
    ]);
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(await call('POST', `/api/alerts/${unknown}/ack`, 'clerk-token', {})).toMatchObject({
      status: 404,
      body: { code: 'VIGIL_ERR_NOT_FOUND' },
    });
    for (const bad of [{ verdict: 'maybe' }, { verdict: 'confirmed', by: 'mallory' }, {}])
      expect(await call('POST', `/api/alerts/${id}/feedback`, 'clerk-token', bad)).toMatchObject({
        status: 400,
        body: { code: 'VIGIL_ERR_REQUEST_INVALID' },
      });
    expect(
      (await call('POST', `/api/alerts/${id}/snooze`, 'clerk-token', { minutes: 100000 })).status,
    ).toBe(400);
  } finally {
    // Closed with the live channel still open: a stopping daemon ends it, never waits on it.
    await app.close();
    await live.stop();
    await rec.client.endAsync();
    await site.stop();
  }
  // The counts survive a restart.
  const again = new AlertService(config, pub, systemClock, log);
  expect(again.feedback.rows()).toEqual([
    expect.objectContaining({ alerts: 3, confirmed: 1, falseAlarm: 1, unanswered: 1 }),
  ]);
}, 30_000);
