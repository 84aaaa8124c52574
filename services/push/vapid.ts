import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { VigilError, errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';

/**
 * The daemon's VAPID identity (RFC 8292): a P-256 key pair made at first start, kept in
 * <dataDir>/push/vapid.json with mode 600. Browsers subscribe with its public key; every push
 * carries a JWT it signed (ES256) for the push service's origin.
 */
export interface VapidKeys {
  /** Uncompressed public point, base64url (applicationServerKey in the browser). */
  publicKey: string;
  privateKey: KeyObject;
}

interface StoredKeys {
  version: 1;
  publicKey: string;
  /** The private key as a JWK (d, x, y). */
  jwk: { kty: 'EC'; crv: 'P-256'; d: string; x: string; y: string };
}

/** JWTs are valid 12 hours (RFC 8292 allows 24). */
const JWT_LIFETIME_S = 12 * 3600;

function publicPoint(jwk: { x?: string; y?: string }): string {
  return Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x ?? '', 'base64url'),
    Buffer.from(jwk.y ?? '', 'base64url'),
  ]).toString('base64url');
}

function parseStored(text: string): VapidKeys {
  const s = JSON.parse(text) as StoredKeys;
  if (s?.version !== 1 || s.jwk?.crv !== 'P-256' || typeof s.jwk.d !== 'string')
    throw new Error('not a Vigil VAPID key file');
  const privateKey = createPrivateKey({ key: s.jwk, format: 'jwk' });
  const pub = createPublicKey(privateKey).export({ format: 'jwk' });
  return { publicKey: publicPoint(pub), privateKey };
}

/**
 * Reads the keys, or makes and stores them on first start. A file that cannot be parsed is moved
 * aside (.corrupt-<time>) and replaced: devices must then subscribe again (logged).
 */
export function loadOrCreateVapid(dataDir: string, log: Logger, nowMs = Date.now()): VapidKeys {
  const file = path.join(dataDir, 'push', 'vapid.json');
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new VigilError('VIGIL_ERR_PUSH_STORE_CORRUPT', `cannot read ${file}`, { cause: err });
  }
  if (text !== undefined) {
    try {
      chmodSync(file, 0o600);
      return parseStored(text);
    } catch (err) {
      const aside = `${file}.corrupt-${nowMs}`;
      renameSync(file, aside);
      log.error(
        { code: 'VIGIL_ERR_PUSH_STORE_CORRUPT', err: errorMessage(err), file, movedTo: aside },
        'VAPID key file unreadable: moved aside, new keys made; every device must turn notifications on again',
      );
    }
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const jwk = privateKey.export({ format: 'jwk' }) as StoredKeys['jwk'];
  const stored: StoredKeys = {
    version: 1,
    publicKey: publicPoint(jwk),
    jwk: { kty: 'EC', crv: 'P-256', d: jwk.d, x: jwk.x, y: jwk.y },
  };
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(stored), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  log.info({ file }, 'VAPID keys made for Web Push');
  return { publicKey: stored.publicKey, privateKey };
}

const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** The Authorization header of a push to `endpoint`: `vapid t=<ES256 JWT>, k=<public key>`. */
export function vapidAuthorization(
  keys: VapidKeys,
  endpoint: string,
  subject: string,
  nowMs: number,
): string {
  const aud = new URL(endpoint).origin;
  const claims = { aud, exp: Math.floor(nowMs / 1000) + JWT_LIFETIME_S, sub: subject };
  const input = `${part({ typ: 'JWT', alg: 'ES256' })}.${part(claims)}`;
  // JOSE wants the raw r||s signature, not DER.
  const sig = sign('sha256', Buffer.from(input), {
    key: keys.privateKey,
    dsaEncoding: 'ieee-p1363',
  }).toString('base64url');
  return `vapid t=${input}.${sig}, k=${keys.publicKey}`;
}
