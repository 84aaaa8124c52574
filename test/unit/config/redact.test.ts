import { REDACTED, redactConfig, restoreRedacted } from '../../../services/config/redact';

const current = {
  mqtt: { url: 'mqtts://broker.site:8883', username: 'vigil', password: 's3cret' },
  cameras: [{ id: 'a', source: { url: 'rtsp://admin:pw@10.0.0.5/s1' } }],
};

test('a GET-then-PUT round trip keeps the stored secrets', () => {
  const back = restoreRedacted(redactConfig(current), current);
  expect(back).toEqual(current);
});

test.each([
  ['mqtt.url', { url: 'mqtt://attacker.example:1883' }],
  ['mqtt.username', { username: 'someone-else' }],
])(
  'the MQTT password is not restored when %s changed (it would go to another broker)',
  (_k, change) => {
    const next = redactConfig(current) as { mqtt: Record<string, unknown> };
    Object.assign(next.mqtt, change);
    expect(next.mqtt.password).toBe(REDACTED);
    expect(() => restoreRedacted(next, current)).toThrow(
      expect.objectContaining({ code: 'VIGIL_ERR_REQUEST_INVALID' }),
    );
  },
);

test('a new password with a new URL is taken as sent', () => {
  const next = { ...current, mqtt: { url: 'mqtt://new:1883', username: 'v', password: 'new-pw' } };
  expect((restoreRedacted(next, current) as typeof current).mqtt.password).toBe('new-pw');
});

test("camera credentials go back to the same camera's same URL", () => {
  const next = redactConfig(current) as typeof current;
  expect(next.cameras[0]!.source.url).toBe('rtsp://***:***@10.0.0.5/s1');
  expect((restoreRedacted(next, current) as typeof current).cameras[0]!.source.url).toBe(
    'rtsp://admin:pw@10.0.0.5/s1',
  );
});

test.each<[string, { id: string; url: string; old?: string }]>([
  ['another host', { id: 'a', url: 'rtsp://***:***@10.9.9.9/s1' }],
  ['another path', { id: 'a', url: 'rtsp://***:***@10.0.0.5/s2' }],
  ['another camera', { id: 'b', url: 'rtsp://***:***@10.0.0.5/s1' }],
  [
    'a camera without credentials before',
    { id: 'a', url: 'rtsp://***:***@10.0.0.5/s1', old: 'rtsp://10.0.0.5/s1' },
  ],
])(
  'a redaction mark left in a URL that changed (%s) is refused (400), never saved as a password',
  (_what, c) => {
    const cur = { cameras: [{ id: 'a', source: { url: c.old ?? 'rtsp://admin:pw@10.0.0.5/s1' } }] };
    const next = { cameras: [{ id: c.id, source: { url: c.url } }] };
    expect(() => restoreRedacted(next, cur)).toThrow(
      expect.objectContaining({
        code: 'VIGIL_ERR_REQUEST_INVALID',
        details: [expect.objectContaining({ path: '/cameras/0/source/url' })],
      }),
    );
  },
);

test('a new URL with its own credentials is taken as sent', () => {
  const next = { cameras: [{ id: 'a', source: { url: 'rtsp://admin:new@10.9.9.9/s1' } }] };
  expect(restoreRedacted(next, current)).toEqual(next);
});
