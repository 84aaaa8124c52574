import { AlertIds, buildAlert, normaliseBox } from '../../../services/alerts/alert';
import type { RuleEvent } from '../../../services/behaviour/rule-event';
import { personAt } from '../../helpers/people';

const event = (type: 'start' | 'end', trackId = 3): RuleEvent => ({
  type,
  rule: 'loitering',
  zoneId: 'till',
  zoneName: 'Till',
  trackId,
  startedAtMs: Date.UTC(2026, 0, 1, 12, 0, 0),
  atMs: Date.UTC(2026, 0, 1, 12, 0, 31),
  dwellMs: 31_000,
  person: personAt(trackId, 400, 300),
  path: [{ x: 384, y: 288 }],
  score: 0.61234,
});

describe('alert payloads', () => {
  test('box normalised and clamped to the frame', () => {
    expect(normaliseBox({ x: -10, y: 288, w: 100, h: 400 }, 768, 576)).toEqual({
      x: 0,
      y: 0.5,
      w: 0.1172,
      h: 0.5,
    });
  });

  test('start and end of one incident share an id; a new incident gets a new one', () => {
    const ids = new AlertIds();
    const a = ids.idFor('cam', event('start'));
    expect(ids.idFor('cam', event('end'))).toBe(a);
    expect(ids.idFor('cam', event('start'))).not.toBe(a);
    expect(ids.idFor('cam', event('start', 4))).not.toBe(ids.idFor('cam2', event('start', 4)));
  });

  test('the payload carries every documented field and a human summary', () => {
    const alert = buildAlert(
      'id-1',
      { id: 'cam', name: 'Front', width: 768, height: 576 },
      event('start'),
      'snapshots/cam/x.jpg',
    );
    expect(alert).toEqual({
      schemaVersion: 1,
      id: 'id-1',
      type: 'start',
      camera: 'cam',
      cameraName: 'Front',
      rule: 'loitering',
      zone: 'till',
      zoneName: 'Till',
      trackId: 3,
      startedAt: '2026-01-01T12:00:00.000Z',
      at: '2026-01-01T12:00:31.000Z',
      durationSeconds: 31,
      score: 0.6123,
      box: { x: 0.5, y: 0.3819, w: 0.0417, h: 0.1389 },
      path: [[0.5, 0.5]],
      snapshot: 'snapshots/cam/x.jpg',
      summary: 'LOITERING person #3 has stayed 31s in "Till" on Front',
    });
  });
});
