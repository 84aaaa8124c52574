import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AlertPayload } from '../../services/alerts/payload-schemas';
import { alertPayload } from '../helpers/events';
import { tempDir } from '../helpers/media';
import { alive, startStateSite } from '../helpers/state-site';
import { waitFor } from '../helpers/wait';

const AT = new Date(Date.now() - 3_600_000).toISOString();
const alert = (n: number): AlertPayload =>
  alertPayload(n, {
    camera: 'square',
    cameraName: 'Campus square',
    zone: 'meeting-point',
    zoneName: 'Meeting point',
    startedAt: AT,
    at: AT,
  });
const record = (p: number, t: unknown) =>
  JSON.stringify({ p, t, r: 0, b: Buffer.from(`old ${p}`).toString('base64') });
const totals = {
  camera: 'square',
  zone: 'meeting-point',
  rule: 'loitering',
  alerts: 2,
  confirmed: 1,
  false_alarm: 0,
};

/** Every state file the daemon reads back, as a good run leaves it. */
const GOOD: Record<string, string> = {
  'alert-state.json': JSON.stringify({
    acks: { [alert(1).id]: { by: 'ann', at: AT } },
    snoozes: {},
    feedback: {},
  }),
  'open-incidents.json': JSON.stringify({ [alert(2).id]: alert(2) }),
  'open-outages.json': JSON.stringify({ square: { id: 'outage-1', downSinceMs: 1 } }),
  'feedback-counts.json': JSON.stringify({ 'square/meeting-point/loitering': totals }),
  'ha-discovery.json': JSON.stringify({ square: { prefix: 'homeassistant' } }),
  'alerts.jsonl': `${JSON.stringify(alert(1))}\n${JSON.stringify(alert(3))}\n`,
  'outbox/outbox.log': `${record(1, 'vigil/square/events')}\n${record(2, 'vigil/square/events')}\n`,
};

const LINE_FILES = new Set(['alerts.jsonl', 'outbox/outbox.log']);

/** The four corruptions; wrong shapes include the audit's (`[]`, a `vigil/#` or null topic, a bad count). */
const WAYS: Record<string, (name: string) => string> = {
  truncated: (name) => GOOD[name]!.slice(0, Math.floor(GOOD[name]!.length * 0.75)),
  'not JSON': () => 'this is {not JSON\n',
  'wrong shape': (name) =>
    ({
      'alert-state.json': '[]',
      'open-incidents.json': JSON.stringify({ x: { id: 5, type: 'start' } }),
      'open-outages.json': JSON.stringify({ square: { id: null } }),
      'feedback-counts.json': JSON.stringify({ 'a/b/c': { ...totals, alerts: 'many' } }),
      'ha-discovery.json': JSON.stringify({ square: 5 }),
      'alerts.jsonl': `${JSON.stringify(alert(1))}\n{"id":1}\n[]\n`,
      'outbox/outbox.log': `${record(1, 'vigil/#')}\n${record(2, 'elsewhere/x')}\n${record(3, 'vigil/square/events')}\n`,
    })[name]!,
  'null lines': (name) =>
    LINE_FILES.has(name)
      ? `null\n${name === 'alerts.jsonl' ? JSON.stringify(alert(1)) : record(4, null)}\nnull\n`
      : 'null',
};

/** The outbox records of each corruption that are good, hence delivered after the start. */
const DELIVERED: Record<string, string[]> = {
  truncated: ['old 1'],
  'not JSON': [],
  'wrong shape': ['old 3'],
  'null lines': [],
};

describe.each(Object.keys(WAYS))('every state file %s', (way) => {
  test('the daemon starts, sets each aside with VIGIL_ERR_STATE_CORRUPT and serves alerts, incidents and metrics', async () => {
    const dir = tempDir('vigil-corrupt-');
    const site = await startStateSite(dir, (dataDir) => {
      mkdirSync(path.join(dataDir, 'outbox'));
      for (const name of Object.keys(GOOD))
        writeFileSync(path.join(dataDir, name), WAYS[way]!(name));
    });
    try {
      await waitFor('an alert on MQTT', () => site.starts()[0], 180_000, 200);
      await alive(site.daemon, () => site.api('/healthz'));
      expect((await site.api('/api/incidents')).status).toBe(200);
      const metrics = await site.api('/metrics');
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('vigil_alert_feedback_total');
      const out = site.daemon.stdout();
      expect(out).toContain('VIGIL_ERR_STATE_CORRUPT');
      expect(out).not.toContain('VIGIL_ERR_INVARIANT');
      for (const name of Object.keys(GOOD)) {
        const folder = path.join(site.dataDir, path.dirname(name));
        const aside = readdirSync(folder).filter((f) =>
          f.startsWith(`${path.basename(name)}.corrupt-`),
        );
        expect([name, aside.length]).toEqual([name, 1]);
      }
      // The good outbox records from before are delivered; what was set aside never is.
      const old = () =>
        site.rec.messages.map((m) => m.payload.toString()).filter((p) => p.startsWith('old '));
      await waitFor('the good old records', () => old().length >= DELIVERED[way]!.length);
      expect(old()).toEqual(DELIVERED[way]);
    } finally {
      await site.stop();
    }
  }, 400_000);
});
