import { AlertHistory } from '../../../services/alerts/alert-history';
import type { AlertPayload } from '../../../services/alerts/payload-schemas';
import { tempDir } from '../../helpers/media';

const msg = (n: number, at: string, camera = 'cam'): AlertPayload =>
  ({ id: `id-${n}`, type: 'start', camera, rule: 'loitering', at }) as unknown as AlertPayload;

test('paging with nextBefore returns every message once, also when many share a timestamp', () => {
  const h = new AlertHistory(tempDir('vigil-hist-'), 1000);
  // 744 messages, 8 to a timestamp (one frame's alerts share their time).
  for (let n = 0; n < 744; n++)
    h.add(msg(n, new Date(Date.UTC(2026, 0, 1, 0, 0, Math.floor(n / 8))).toISOString()));
  const seen: string[] = [];
  let before: string | undefined;
  for (let page = 0; page < 100; page++) {
    const r = h.list({ before, limit: 50 });
    seen.push(...r.items.map((a) => a.id));
    if (!r.nextBefore) break;
    before = r.nextBefore;
  }
  expect(seen).toHaveLength(744);
  expect(new Set(seen).size).toBe(744);
  expect(seen[0]).toBe('id-743');
});

test('a time in `before` is compared as an instant: offsets and fractions of a second', () => {
  const h = new AlertHistory(tempDir('vigil-hist-'));
  h.add(msg(1, '2026-01-01T09:59:59.900Z'));
  h.add(msg(2, '2026-01-01T10:00:00.000Z'));
  h.add(msg(3, '2026-01-01T10:00:00.500Z'));
  const ids = (before: string) => h.list({ before, limit: 10 }).items.map((a) => a.id);
  // 11:00 at +01:00 is 10:00Z: only the message before it.
  expect(ids('2026-01-01T11:00:00+01:00')).toEqual(['id-1']);
  // As strings, '2026-01-01T10:00:00.5Z' < '2026-01-01T10:00:00.500Z' would be false for id-3.
  expect(ids('2026-01-01T10:00:00.6Z')).toEqual(['id-3', 'id-2', 'id-1']);
  expect(ids('2026-01-01T10:00:00Z')).toEqual(['id-1']);
});

test.each([
  ['open: no end yet', [['start', undefined]], undefined],
  ['ended without a clip', [['start'], ['end']], { clip: false }],
  ['ended with its clip', [['start'], ['update'], ['end', { url: 'c.mp4' }]], { clip: true }],
] as const)("an incident's end, for History's Play clip: %s", (_what, messages, expected) => {
  const h = new AlertHistory(tempDir('vigil-hist-'));
  h.add({ ...msg(9, '2026-01-01T09:00:00Z'), id: 'other', type: 'end' } as AlertPayload);
  messages.forEach(([type, clip], i) =>
    h.add({
      ...msg(1, `2026-01-01T10:00:0${i}Z`),
      type,
      ...(clip ? { clip } : {}),
    } as unknown as AlertPayload),
  );
  const end = h.end('id-1');
  expect(end === undefined ? undefined : { clip: Boolean(end.clip) }).toEqual(expected);
});
