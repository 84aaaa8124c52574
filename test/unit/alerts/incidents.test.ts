import { AlertStateStore } from '../../../services/alerts/alert-state-store';
import { IncidentManager, severityOf } from '../../../services/alerts/incidents';
import type { IncidentPolicy } from '../../../services/alerts/incidents';
import type { QuietWindow } from '../../../services/core/time-windows';
import { inQuietHours } from '../../../services/core/time-windows';
import type { RuleEvent } from '../../../services/behaviour/rule-event';
import { captureLogger } from '../../helpers/logger';
import { ruleEvent } from '../../helpers/events';

const T0 = new Date(2026, 0, 1, 12, 0, 0).getTime(); // local noon
const policy = (over: Partial<IncidentPolicy> = {}): IncidentPolicy => ({
  updateIntervalMs: 30_000,
  zoneCooldownMs: 30_000,
  personCooldownMs: 300_000,
  quietHours: () => [],
  ...over,
});

/** One loiterer: start at 30 s in the zone, an update event every 200 ms, end at `endS`. */
function incidentEvents(endS: number, trackId = 3, startS = 0): RuleEvent[] {
  const ev: RuleEvent[] = [];
  const startedAtMs = T0 + startS * 1000;
  for (let t = 30; t <= endS; t += 0.2) {
    const type = t === 30 ? 'start' : 'update';
    ev.push(
      ruleEvent(type, { trackId, startedAtMs, atMs: startedAtMs + t * 1000, dwellMs: t * 1000 }),
    );
  }
  ev.push(
    ruleEvent('end', {
      trackId,
      startedAtMs,
      atMs: startedAtMs + (endS + 2) * 1000,
      dwellMs: endS * 1000,
    }),
  );
  return ev;
}

function publishedOf(m: IncidentManager, events: RuleEvent[], camera = 'cam') {
  const out: { type: string; seq: number; severity: string; id: string }[] = [];
  for (const e of events) {
    const d = m.handle(camera, e);
    if (d?.publish)
      out.push({
        type: d.publish,
        seq: d.incident.seq,
        severity: d.incident.severity,
        id: d.incident.id,
      });
  }
  return out;
}

describe('incident lifecycle', () => {
  test('one loiterer for 3 minutes: one start, few updates (rate-limited, sooner on severity rise), one end, one id', () => {
    const m = new IncidentManager(policy(), new AlertStateStore(undefined, captureLogger().log));
    const out = publishedOf(m, incidentEvents(180));
    expect(out[0]).toMatchObject({ type: 'start', seq: 0, severity: 'low' });
    expect(out[out.length - 1]).toMatchObject({ type: 'end' });
    expect(out.filter((o) => o.type === 'start')).toHaveLength(1);
    expect(out.filter((o) => o.type === 'end')).toHaveLength(1);
    const updates = out.filter((o) => o.type === 'update');
    expect(updates.length).toBeGreaterThanOrEqual(4);
    expect(updates.length).toBeLessThanOrEqual(6);
    expect(updates.map((u) => u.severity)).toContain('medium');
    expect(updates.map((u) => u.severity)).toContain('high');
    expect(new Set(out.map((o) => o.id)).size).toBe(1);
    expect(out.map((o) => o.seq)).toEqual(out.map((_, i) => i));
  });

  test('severity: low at the threshold, medium at 2x, high at 4x', () => {
    expect([
      severityOf(30_000, 30_000),
      severityOf(60_000, 30_000),
      severityOf(119_000, 30_000),
      severityOf(120_000, 30_000),
    ]).toEqual(['low', 'medium', 'medium', 'high']);
  });

  test('the same person re-entering within the person cooldown does not re-alert; another person does after the zone cooldown', () => {
    const m = new IncidentManager(policy(), new AlertStateStore(undefined, captureLogger().log));
    expect(publishedOf(m, incidentEvents(40, 3, 0)).map((o) => o.type)[0]).toBe('start');
    expect(publishedOf(m, incidentEvents(40, 3, 60))).toEqual([]);
    expect(publishedOf(m, incidentEvents(40, 4, 40))).toEqual([]); // other person, but within 30 s of the end
    expect(publishedOf(m, incidentEvents(40, 5, 200))[0]).toMatchObject({ type: 'start' });
  });

  test('quiet hours hold alerts back, start to end', () => {
    const quiet: QuietWindow[] = [{ from: '11:30', to: '13:00' }];
    const m = new IncidentManager(
      policy({ quietHours: () => quiet }),
      new AlertStateStore(undefined, captureLogger().log),
    );
    expect(publishedOf(m, incidentEvents(100))).toEqual([]);
  });

  test('a snooze holds back new incidents of that camera, zone and rule until it expires', () => {
    const store = new AlertStateStore(undefined, captureLogger().log);
    store.snooze('cam/till/loitering', { by: 'ann', until: T0 + 10 * 60_000 }, T0);
    const m = new IncidentManager(policy(), store);
    expect(publishedOf(m, incidentEvents(40, 3, 0))).toEqual([]);
    expect(publishedOf(m, incidentEvents(40, 4, 0), 'other-cam')[0]).toMatchObject({
      type: 'start',
    });
    expect(publishedOf(m, incidentEvents(40, 5, 700))[0]).toMatchObject({ type: 'start' });
  });
});

test.each([
  ['12:00', [{ from: '11:00', to: '13:00' }], true],
  ['13:00', [{ from: '11:00', to: '13:00' }], false],
  ['23:30', [{ from: '22:00', to: '06:00' }], true],
  ['05:59', [{ from: '22:00', to: '06:00' }], true],
  ['06:00', [{ from: '22:00', to: '06:00' }], false],
])('quiet hours at %s in %j: %s', (hhmm, windows, expected) => {
  const [h, mi] = hhmm.split(':').map(Number);
  expect(inQuietHours(windows, new Date(2026, 0, 1, h, mi).getTime())).toBe(expected);
});
