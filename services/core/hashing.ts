import { createHash, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

/** sha256 of a string (UTF-8), as lowercase hex. */
export const sha256Hex = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

/**
 * Compares two secrets in constant time whatever their lengths or bytes: both sides are hashed
 * first, so the buffers compared always have the same length (timingSafeEqual throws otherwise,
 * and a login must never be able to throw).
 */
export function sameSecret(a: string | Buffer, b: string | Buffer): boolean {
  return timingSafeEqual(
    createHash('sha256').update(a).digest(),
    createHash('sha256').update(b).digest(),
  );
}

/** scrypt's cost: N=2^14, r=8, p=1 (about 16 MB and tens of milliseconds a check). */
const COST = { N: 16_384, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
/** `scrypt$<N>$<r>$<p>$<salt, base64url>$<key, base64url>` */
const SCRYPT_FORMAT =
  /^scrypt\$(\d{1,7})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9_-]{16,64})\$([A-Za-z0-9_-]{43})$/;
export const SCRYPT_PATTERN = SCRYPT_FORMAT.source;

/** A salted, slow hash of a password or token, as one string that carries its own parameters. */
export function scryptHash(secret: string, salt: Buffer = randomBytes(16)): string {
  const key = scryptSync(secret, salt, KEY_BYTES, { ...COST, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

interface ScryptParams {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  expected: Buffer;
}

/** The parameters of a stored scrypt string, or undefined for a malformed or too costly one. */
function scryptParams(stored: string): ScryptParams | undefined {
  const m = SCRYPT_FORMAT.exec(stored);
  if (!m) return undefined;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Only the parameters this code writes, or cheaper ones than 2^20: a stored string must not be
  // able to make a login cost seconds or gigabytes.
  if (N < 2 || N > 1_048_576 || (N & (N - 1)) !== 0 || r < 1 || p < 1) return undefined;
  const expected = Buffer.from(m[5]!, 'base64url');
  if (expected.length !== KEY_BYTES) return undefined;
  return { N, r, p, salt: Buffer.from(m[4]!, 'base64url'), expected };
}

const MAXMEM = 256 * 1024 * 1024;

/** Whether `secret` matches a stored scrypt string; false (never a throw) for any malformed one. */
export function verifyScrypt(secret: string, stored: string): boolean {
  const k = scryptParams(stored);
  if (!k) return false;
  try {
    const key = scryptSync(secret, k.salt, KEY_BYTES, { N: k.N, r: k.r, p: k.p, maxmem: MAXMEM });
    return timingSafeEqual(key, k.expected);
  } catch {
    // Parameters scrypt refuses (memory bound): the stored hash cannot match anything.
    return false;
  }
}

/** verifyScrypt off the event loop (libuv's thread pool), for checks made while serving requests. */
export function verifyScryptAsync(secret: string, stored: string): Promise<boolean> {
  const k = scryptParams(stored);
  if (!k) return Promise.resolve(false);
  return new Promise((resolve) => {
    scrypt(secret, k.salt, KEY_BYTES, { N: k.N, r: k.r, p: k.p, maxmem: MAXMEM }, (err, key) =>
      // An error is parameters scrypt refuses (memory bound): nothing can match.
      resolve(!err && timingSafeEqual(key, k.expected)),
    );
  });
}

/** A stored secret: the salted scrypt string, or (older configs) an unsalted sha256 in hex. */
export interface StoredSecret {
  scrypt?: string;
  sha256?: string;
}

/** Whether `secret` matches the stored one, in constant time for a given stored form. */
export function verifySecret(secret: string, stored: StoredSecret): boolean {
  if (stored.scrypt !== undefined) return verifyScrypt(secret, stored.scrypt);
  if (stored.sha256 !== undefined) return sameSecret(sha256Hex(secret), stored.sha256);
  return false;
}
