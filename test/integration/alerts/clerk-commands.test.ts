import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AlertPayload } from '../../../services/alerts/payload-schemas';
import { ruleEvent } from '../../helpers/events';
import { startAlertSite } from '../../helpers/alert-site';
import { captureLogger } from '../../helpers/logger';
import { recordMqtt } from '../../helpers/mqtt-recorder';
import { blackFrame, SMALL_CAM } from '../../helpers/scene';
import { waitFor } from '../../helpers/wait';

test('a clerk acknowledges an open incident over MQTT: persisted and echoed; a snooze holds the next one back', async () => {
  const { log } = captureLogger('debug');
  const site = await startAlertSite(log, 'vigil-clerk', 'vigil-clerk-');
  const { url, clerk, dataDir, alerts } = site;
  const rec = await recordMqtt(url, 'vigil/cam/alerts', undefined, clerk);
  const cam = SMALL_CAM;
  const frame = blackFrame();
  try {
    const now = Date.now();
    const [start] = await alerts.dispatcher.dispatch(
      cam,
      frame,
      [],
      [ruleEvent('start', { trackId: 1, startedAtMs: now - 31_000, atMs: now })],
    );
    await rec.client.publishAsync(
      `vigil/cam/alerts/${start!.id}/ack`,
      JSON.stringify({ by: 'ann' }),
      { qos: 1 },
    );
    const echo = await waitFor('the echo', () =>
      rec.messages
        .map((m) => JSON.parse(m.payload.toString()) as AlertPayload)
        .find((a) => a.type === 'update' && a.ack?.by === 'ann'),
    );
    expect(echo).toMatchObject({ id: start!.id, seq: 1, ack: { by: 'ann' } });
    expect(
      JSON.parse(readFileSync(path.join(dataDir, 'alert-state.json'), 'utf8')).acks[start!.id].by,
    ).toBe('ann');
    await rec.client.publishAsync(
      `vigil/cam/alerts/${start!.id}/snooze`,
      JSON.stringify({ by: 'ann', minutes: 10 }),
      { qos: 1 },
    );
    await waitFor('the snooze applied', () => alerts.commandsApplied === 2);
    const later = await alerts.dispatcher.dispatch(
      cam,
      frame,
      [],
      [ruleEvent('start', { trackId: 2, startedAtMs: now - 31_000, atMs: now + 1000 })],
    );
    expect(later).toEqual([]);
    await rec.client.publishAsync('vigil/cam/alerts/nope/ack', '{', { qos: 1 });
    await waitFor('the malformed one rejected', () => alerts.commandsRejected === 1);
  } finally {
    await rec.client.endAsync();
    await site.stop();
  }
});

/** The ack persisted for an alert (alert-state.json), or undefined. */
const ackOf = (dataDir: string, id: string) =>
  (
    JSON.parse(readFileSync(path.join(dataDir, 'alert-state.json'), 'utf8')) as {
      acks: Record<string, { by: string }>;
    }
  ).acks[id];

test("the broker login is who answers: clerk ann cannot ack as manager, on the shared topic or another login's", async () => {
  const { log } = captureLogger('debug');
  const site = await startAlertSite(log, 'vigil-identity', 'vigil-identity-');
  const { url, clerk, dataDir, alerts } = site;
  const rec = await recordMqtt(url, 'vigil/cam/alerts', undefined, clerk);
  try {
    const now = Date.now();
    const raise = async (trackId: number) =>
      (
        await alerts.dispatcher.dispatch(
          SMALL_CAM,
          blackFrame(),
          [],
          [ruleEvent('start', { trackId, startedAtMs: now - 31_000, atMs: now + trackId })],
        )
      )[0]!;
    const [a, b] = [await raise(1), await raise(2)];
    const manager = JSON.stringify({ by: 'manager', note: 'me' });
    await rec.client.publishAsync(`vigil/cam/alerts/${a.id}/ack`, manager, { qos: 1 });
    await rec.client.publishAsync(`vigil/cam/alerts/${b.id}/ack/${clerk.username}`, manager, {
      qos: 1,
    });
    await waitFor('both acks applied', () => alerts.commandsApplied === 2);
    expect(ackOf(dataDir, a.id)).toMatchObject({ by: clerk.username, note: 'me' });
    expect(ackOf(dataDir, b.id)).toMatchObject({ by: clerk.username, note: 'me' });
    // Another login's topic: the broker refuses it (and drops the client); nothing recorded.
    const forger = await recordMqtt(url, 'vigil/cam/status', undefined, clerk);
    forger.client.publish(`vigil/cam/alerts/${a.id}/ack/manager`, manager, { qos: 1 });
    const marker = await raise(3);
    await rec.client.publishAsync(`vigil/cam/alerts/${marker.id}/ack`, '{"by":"x"}', { qos: 1 });
    await waitFor('the marker ack', () => alerts.commandsApplied === 3);
    expect(readFileSync(path.join(dataDir, 'alert-state.json'), 'utf8')).not.toContain('manager');
    await forger.client.endAsync(true);
  } finally {
    await rec.client.endAsync();
    await site.stop();
  }
});
