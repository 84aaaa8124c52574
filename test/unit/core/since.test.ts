import { parseSince } from '../../../services/core/since';

test.each([
  ['7d', 7 * 86_400_000],
  ['12h', 12 * 3_600_000],
  ['30m', 30 * 60_000],
])('parseSince %s', (text, ago) => {
  expect(parseSince(text, 1e12)).toBe(1e12 - ago);
});
test('parseSince refuses what it cannot read', () => {
  expect(parseSince('a week', 1e12)).toBeUndefined();
});
