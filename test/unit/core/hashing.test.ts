import {
  sameSecret,
  scryptHash,
  sha256Hex,
  verifyScrypt,
  verifySecret,
} from '../../../services/core/hashing';

describe('sameSecret', () => {
  test.each([
    ['vigil', 'vigil', true],
    ['vigil', 'vigiĺ', false], // same characters, more UTF-8 bytes: threw a RangeError before
    ['', 'x', false],
    ['a'.repeat(65_536), 'a', false],
    ['\u0000\uffff', '\u0000\uffff', true],
  ])('%j vs %j', (a, b, same) => {
    expect(sameSecret(a, b)).toBe(same);
  });

  test('binary buffers of any length', () => {
    expect(sameSecret(Buffer.from([0xff, 0xfe]), Buffer.from([0xff]))).toBe(false);
    expect(sameSecret(Buffer.from([0xc3, 0x28]), Buffer.from([0xc3, 0x28]))).toBe(true);
  });
});

describe('scrypt hashes', () => {
  const stored = scryptHash('correct horse');

  test('verify the secret they were made from, salted (two hashes of one secret differ)', () => {
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(scryptHash('correct horse')).not.toBe(stored);
    expect(verifyScrypt('correct horse', stored)).toBe(true);
    expect(verifyScrypt('correct horsf', stored)).toBe(false);
    expect(verifyScrypt('', stored)).toBe(false);
  });

  test.each([
    '',
    'scrypt$',
    stored.replace('16384', '16383'), // N not a power of two
    stored.replace('16384', '2097152'), // too costly to try
    stored.slice(0, -2),
    `${stored}x`,
    sha256Hex('correct horse'),
  ])('a malformed stored string matches nothing and never throws: %j', (bad) => {
    expect(verifyScrypt('correct horse', bad)).toBe(false);
  });

  test('verifySecret takes the scrypt form, or an older sha256', () => {
    expect(verifySecret('correct horse', { scrypt: stored })).toBe(true);
    expect(verifySecret('correct horse', { sha256: sha256Hex('correct horse') })).toBe(true);
    expect(verifySecret('correct horse', { sha256: sha256Hex('other') })).toBe(false);
    expect(verifySecret('correct horse', { sha256: 'not hex' })).toBe(false);
    expect(verifySecret('correct horse', {})).toBe(false);
  });
});
