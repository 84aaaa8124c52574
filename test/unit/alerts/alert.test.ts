import { Value } from '@sinclair/typebox/value';
import { buildAlert, normaliseBox } from '../../../services/alerts/alert';
import { AlertPayloadSchema } from '../../../services/alerts/payload-schemas';
import { ruleEvent } from '../../helpers/events';

describe('alert payloads', () => {
  test('box normalised and clamped to the frame', () => {
    expect(normaliseBox({ x: -10, y: 288, w: 100, h: 400 }, 768, 576)).toEqual({
      x: 0,
      y: 0.5,
      w: 0.1172,
      h: 0.5,
    });
  });

  test('the payload carries every documented field, a human summary, and validates against its schema', () => {
    const alert = buildAlert(
      {
        id: '0b9f3f8e-5d7c-4a55-9f1e-2b8c6f0a1d2e',
        type: 'start',
        seq: 0,
        severity: 'low',
        ack: null,
        snapshot: 'snapshots/cam/x.jpg',
        snapshotTopic: 'vigil/cam/alerts/0b9f3f8e-5d7c-4a55-9f1e-2b8c6f0a1d2e/snapshot',
      },
      { id: 'cam', name: 'Front', width: 768, height: 576 },
      ruleEvent('start'),
    );
    expect(alert).toEqual({
      schemaVersion: 1,
      id: '0b9f3f8e-5d7c-4a55-9f1e-2b8c6f0a1d2e',
      type: 'start',
      seq: 0,
      camera: 'cam',
      cameraName: 'Front',
      rule: 'loitering',
      zone: 'till',
      zoneName: 'Till',
      trackId: 3,
      severity: 'low',
      startedAt: '2026-01-01T12:00:00.000Z',
      at: '2026-01-01T12:00:31.000Z',
      durationSeconds: 31,
      score: 0.6123,
      box: { x: 0.5, y: 0.3819, w: 0.0417, h: 0.1389 },
      path: [[0.5, 0.5]],
      snapshot: 'snapshots/cam/x.jpg',
      snapshotTopic: 'vigil/cam/alerts/0b9f3f8e-5d7c-4a55-9f1e-2b8c6f0a1d2e/snapshot',
      ack: null,
      evidence: null,
      summary: 'LOITERING person #3 has stayed 31s in "Till" on Front',
    });
    expect(Value.Check(AlertPayloadSchema, alert)).toBe(true);
    expect(Value.Check(AlertPayloadSchema, { ...alert, id: 'not-a-uuid' })).toBe(false);
    expect(Value.Check(AlertPayloadSchema, { ...alert, extra: 1 })).toBe(false);
  });
});
