import { parseRange } from '../../../services/api/routes/clips';

describe('parseRange (a video element asks for parts of a clip)', () => {
  test.each([
    ['bytes=0-99', 1000, { start: 0, end: 99 }],
    ['bytes=900-', 1000, { start: 900, end: 999 }],
    ['bytes=-100', 1000, { start: 900, end: 999 }],
    ['bytes=0-5000', 1000, { start: 0, end: 999 }],
    ['bytes=1000-', 1000, undefined],
    ['bytes=5-2', 1000, undefined],
    ['bytes=-', 1000, undefined],
    ['items=0-1', 1000, undefined],
    ['bytes=0-1,5-6', 1000, undefined],
  ])('%s of %d bytes', (header, size, want) => {
    expect(parseRange(header, size)).toEqual(want);
  });
});
