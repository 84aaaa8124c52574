import { Dismissed, cardsOnOpen } from '../../../console/src/open-cards';
import type { Alert } from '../../../console/src/types';

const clip = { url: '/api/alerts/x/clip', durationSeconds: 12, bytes: 1000 };
const judged = { verdict: 'confirmed' as const, by: 'ann', at: '2026-12-07T10:05:00Z' };

/** The latest message of an incident, as /api/incidents lists them. */
const latest = (id: string, type: Alert['type'], extra: Partial<Alert> = {}) =>
  ({ id, type, ...extra }) as Alert;

describe('the cards a console shows when it opens', () => {
  test.each([
    ['an open incident', latest('a', 'start'), [], true],
    ['an updated one', latest('a', 'update'), [], true],
    ['one over with its clip, unjudged', latest('a', 'end', { clip }), [], true],
    ['one over with its clip, judged', latest('a', 'end', { clip, feedback: judged }), [], false],
    ['one over with its clip, dismissed here', latest('a', 'end', { clip }), ['a'], false],
    ['one over without a clip', latest('a', 'end'), [], false],
  ])('%s', (_what, alert, dismissed, shown) => {
    expect(cardsOnOpen([alert], new Set(dismissed)).length).toBe(shown ? 1 : 0);
  });

  test('oldest first (the API lists the newest first)', () => {
    const list = [latest('new', 'start'), latest('old', 'end', { clip })];
    expect(cardsOnOpen(list, new Set()).map((a) => a.id)).toEqual(['old', 'new']);
  });
});

describe('dismissed cards on this device', () => {
  const store = () => {
    const m = new Map<string, string>();
    return {
      getItem: (k: string) => m.get(k) ?? null,
      setItem: (k: string, v: string) => m.set(k, v),
      m,
    };
  };

  test('remembered, bounded to the newest 200', () => {
    const s = store();
    const d = new Dismissed(s);
    for (let i = 0; i < 205; i++) d.add(`id${i}`);
    const ids = new Dismissed(s).ids();
    expect(ids.size).toBe(200);
    expect(ids.has('id204')).toBe(true);
    expect(ids.has('id4')).toBe(false);
  });

  test.each(['not json', '{"a":1}', '[1, null, "kept"]'])(
    'a damaged list (%s) is read as what it holds of ids',
    (raw) => {
      const s = store();
      s.m.set('vigil.dismissed', raw);
      const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
      expect([...new Dismissed(s).ids()]).toEqual(raw.includes('kept') ? ['kept'] : []);
      warn.mockRestore();
    },
  );
});
