import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { AlertPayload } from '../../../services/alerts/payload-schemas';
import { ruleEvent } from '../../helpers/events';
import { captureLogger } from '../../helpers/logger';
import { startPushReceiver } from '../../helpers/push-receiver';
import { startPushSite } from '../../helpers/push-site';
import { waitFor } from '../../helpers/wait';

const frame = (ms: number) => ({
  camera: 'cam',
  index: 0,
  timestampMs: ms,
  width: 320,
  height: 240,
  rgb: Buffer.alloc(320 * 240 * 3, 90),
});
const CAM = { id: 'cam', name: 'Cam', width: 320, height: 240 };

/**
 * Must-show 1: an alert reaches a real Web Push receiver on loopback that holds the subscription's
 * private keys, as a browser does; its VAPID JWT verifies and its aes128gcm body decrypts to the
 * alert. A 410 drops the subscription; a viewer gets nothing.
 */
test('an incident start is pushed, encrypted and signed, to each clerk device; 410 drops one', async () => {
  const { log } = captureLogger('info');
  const site = await startPushSite(log);
  const r = await startPushReceiver();
  try {
    const phone = r.subscribe('ann-phone');
    const gone = r.subscribe('ann-old-tablet', 410);
    const viewer = r.subscribe('vic-phone');
    for (const [login, s] of [
      ['ann', phone],
      ['ann', gone],
      ['vic', viewer],
    ] as const)
      site.push.subscribe(login, { endpoint: s.endpoint, keys: s.keys, device: s.name });
    const now = Date.now();
    const [start] = await site.alerts.dispatcher.dispatch(
      CAM,
      frame(now),
      [],
      [ruleEvent('start', { startedAtMs: now - 31_000, atMs: now })],
    );
    const got = await waitFor('the push to ann', () =>
      r.received.find((p) => p.subscription === 'ann-phone'),
    );
    expect(r.errors).toEqual([]);
    expect(got.jwt.verified).toBe(true);
    expect(got.jwt.claims).toMatchObject({ aud: r.origin, sub: 'mailto:admin@example.com' });
    expect(got.vapidKey).toBe(site.push.publicKey);
    expect(got.headers).toMatchObject({
      'content-encoding': 'aes128gcm',
      urgency: 'high',
      ttl: '600',
      topic: start!.id.replace(/-/g, ''),
    });
    expect(got.payload).toEqual({
      v: 1,
      kind: 'alert',
      alertId: start!.id,
      rule: 'loitering',
      summary: start!.summary,
      camera: 'cam',
      cameraName: 'Cam',
      zone: 'till',
      zoneName: 'Till',
      severity: 'low',
      at: start!.at,
      image: `/api/alerts/${start!.id}/crop`,
      level: 0,
      url: `/#/alert/${start!.id}`,
    });
    expect(existsSync(path.join(site.dataDir, start!.crop!))).toBe(true);
    await waitFor('the 410 device dropped', () => site.push.devices('ann').length === 1);
    await site.push.drain();
    expect(site.push.devices('ann').map((d) => d.device)).toEqual(['ann-phone']);
    expect(r.received.map((p) => p.subscription).sort()).toEqual(['ann-old-tablet', 'ann-phone']);
    expect(site.push.counts).toMatchObject({ sent: 1, gone: 1, failed: 0 });
    const metrics = await site.registry.metrics();
    expect(metrics).toContain('vigil_push_total{result="gone"} 1');
    // ann's phone and vic's (a viewer: subscribed, sent nothing).
    expect(metrics).toContain('vigil_push_subscriptions 2');
  } finally {
    await r.close();
    await site.stop();
  }
});

test('a push service that never answers costs a timeout, not the alert: logged with a code and counted', async () => {
  const { log, lines } = captureLogger('info');
  const site = await startPushSite(log);
  const hung = http.createServer(() => undefined);
  await new Promise<void>((res) => hung.listen(0, '127.0.0.1', res));
  const r = await startPushReceiver();
  try {
    const s = r.subscribe('x');
    site.push.subscribe('ann', {
      endpoint: `http://127.0.0.1:${(hung.address() as AddressInfo).port}/push/x`,
      keys: s.keys,
    });
    const now = Date.now();
    const alerts = await site.alerts.dispatcher.dispatch(
      CAM,
      frame(now),
      [],
      [ruleEvent('start', { startedAtMs: now - 31_000, atMs: now })],
    );
    // The alert went out while the push waits.
    expect(alerts).toHaveLength(1);
    await waitFor('the alert on MQTT', () => site.mqtt.length > 0);
    await site.push.drain();
    expect(site.push.counts.failed).toBe(1);
    expect(lines().find((l) => l.code === 'VIGIL_ERR_PUSH_FAILED')?.err).toMatch(/within 1000 ms/);
  } finally {
    hung.closeAllConnections();
    hung.close();
    await r.close();
    await site.stop();
  }
});

const alertsOn = (messages: { payload: Buffer }[]) =>
  messages.map((m) => JSON.parse(m.payload.toString()) as AlertPayload);

/**
 * Must-show 3: on a fake clock, an unanswered alert escalates after afterSeconds to the second
 * group (push and an MQTT update), at most `times`; an answer stops it and its time to first
 * answer is kept per rule and camera.
 */
test('escalation: unanswered after N s the alert goes to the managers too, then stops when answered', async () => {
  const { log } = captureLogger('info');
  const site = await startPushSite(log, {
    alerts: {
      escalation: { enabled: true, afterSeconds: 60, times: 2, toLogins: ['boss'], toRoles: [] },
    },
  });
  const r = await startPushReceiver();
  try {
    for (const [login, name] of [
      ['ann', 'ann-phone'],
      ['boss', 'boss-phone'],
    ] as const) {
      const s = r.subscribe(name);
      site.push.subscribe(login, { endpoint: s.endpoint, keys: s.keys });
    }
    const now = Date.now();
    const [a, b] = await site.alerts.dispatcher.dispatch(
      CAM,
      frame(now),
      [],
      [
        ruleEvent('start', { trackId: 1, startedAtMs: now - 31_000, atMs: now }),
        ruleEvent('start', {
          trackId: 2,
          zoneId: 'door',
          zoneName: 'Door',
          startedAtMs: now - 31_000,
          atMs: now,
        }),
      ],
    );
    await site.push.drain();
    const pushes = (who: string, kind: string) =>
      r.received.filter(
        (p) => p.subscription === who && (p.payload as { kind: string }).kind === kind,
      );
    expect(pushes('ann-phone', 'alert')).toHaveLength(2);
    expect(pushes('boss-phone', 'alert')).toHaveLength(2);
    site.clock.advance(59_000);
    expect(site.notifications.escalator.tick()).toBe(0);
    site.clock.advance(1000);
    expect(site.notifications.escalator.tick()).toBe(2);
    await site.push.drain();
    expect(pushes('boss-phone', 'escalation').map((p) => p.payload)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ alertId: a!.id, level: 1, image: `/api/alerts/${a!.id}/crop` }),
      ]),
    );
    expect(pushes('ann-phone', 'escalation')).toHaveLength(2);
    const up = await waitFor('the escalation update on MQTT', () =>
      alertsOn(site.mqtt).find((m) => m.id === a!.id && m.type === 'update' && m.escalation),
    );
    expect(up.escalation).toMatchObject({
      level: 1,
      of: 2,
      to: { logins: ['boss'], roles: [] },
      unansweredSeconds: 60,
    });
    expect(up.summary).toMatch(/escalated \(1\/2\) to boss/);
    // ann acknowledges the first alert (through the API path) 30 s later: it escalates no more.
    site.clock.advance(30_000);
    expect((await site.alerts.answer(a!.id, 'ack', {}, 'ann')).ok).toBe(true);
    site.clock.advance(30_000);
    expect(site.notifications.escalator.tick()).toBe(1);
    site.clock.advance(60_000);
    // b reached its `times` (2): nothing more, though still unanswered.
    expect(site.notifications.escalator.tick()).toBe(0);
    await site.push.drain();
    await waitFor('the second escalation of b on MQTT', () =>
      alertsOn(site.mqtt).find((m) => m.id === b!.id && m.escalation?.level === 2),
    );
    expect(alertsOn(site.mqtt).filter((m) => m.id === a!.id && m.escalation)).toHaveLength(1);
    expect(
      pushes('boss-phone', 'escalation').map((p) => (p.payload as { level: number }).level),
    ).toEqual([1, 1, 2]);
    expect(site.answerTimes.rows()).toEqual([
      {
        camera: 'cam',
        rule: 'loitering',
        answered: 1,
        meanSeconds: 90,
        medianSeconds: 90,
        p90Seconds: 90,
      },
    ]);
    const metrics = await site.registry.metrics();
    expect(metrics).toContain('vigil_alert_escalations_total{rule="loitering",level="1"} 2');
    expect(metrics).toContain('vigil_alert_escalations_total{rule="loitering",level="2"} 1');
    expect(metrics).toContain(
      'vigil_alert_first_answer_seconds_count{rule="loitering",camera="cam"} 1',
    );
  } finally {
    await r.close();
    await site.stop();
  }
});
