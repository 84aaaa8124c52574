import { createCipheriv, createECDH, hkdfSync, randomBytes } from 'node:crypto';
import { VigilError } from '../core/errors';

/**
 * Web Push message encryption (RFC 8291 on RFC 8188 aes128gcm), with Node's crypto only: an
 * ephemeral P-256 key agreed with the browser's p256dh key, HKDF keyed by its auth secret, one
 * AES-128-GCM record. The push service sees ciphertext only.
 */

/** One record holds the whole message: the push services accept 4096-byte bodies. */
export const RECORD_SIZE = 4096;
/** The largest plaintext that fits one record (4096 - 86 header - 16 tag - 1 delimiter). */
export const MAX_PLAINTEXT = RECORD_SIZE - 86 - 16 - 1;

/** A browser's subscription keys (PushSubscription.getKey): base64url. */
export interface SubscriptionKeys {
  p256dh: string;
  auth: string;
}

/** Fixed values for the RFC's test vector; random in use. */
export interface EncryptOptions {
  salt?: Buffer;
  senderPrivateKey?: Buffer;
}

const b64 = (s: string) => Buffer.from(s, 'base64url');

/** The keys decoded and checked: a 65-byte uncompressed P-256 point that is on the curve, 16 auth bytes. */
export function checkKeys(keys: SubscriptionKeys): { uaPublic: Buffer; auth: Buffer } {
  const uaPublic = b64(keys.p256dh);
  const auth = b64(keys.auth);
  if (uaPublic.length !== 65 || uaPublic[0] !== 4)
    throw new VigilError(
      'VIGIL_ERR_REQUEST_INVALID',
      'keys.p256dh is not an uncompressed P-256 key',
    );
  if (auth.length !== 16)
    throw new VigilError('VIGIL_ERR_REQUEST_INVALID', 'keys.auth is not 16 bytes');
  try {
    const probe = createECDH('prime256v1');
    probe.generateKeys();
    probe.computeSecret(uaPublic);
  } catch (err) {
    throw new VigilError('VIGIL_ERR_REQUEST_INVALID', 'keys.p256dh is not a point on P-256', {
      cause: err,
    });
  }
  return { uaPublic, auth };
}

/** The aes128gcm body of one push: salt, record size, the sender's public key, the record. */
export function encryptPush(
  plaintext: Buffer,
  keys: SubscriptionKeys,
  opts: EncryptOptions = {},
): Buffer {
  if (plaintext.length > MAX_PLAINTEXT)
    throw new VigilError(
      'VIGIL_ERR_PUSH_FAILED',
      `push payload of ${plaintext.length} bytes exceeds ${MAX_PLAINTEXT}`,
    );
  const { uaPublic, auth } = checkKeys(keys);
  const ecdh = createECDH('prime256v1');
  if (opts.senderPrivateKey) ecdh.setPrivateKey(opts.senderPrivateKey);
  else ecdh.generateKeys();
  const asPublic = ecdh.getPublicKey();
  const shared = ecdh.computeSecret(uaPublic);
  const salt = opts.salt ?? randomBytes(16);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', shared, auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, 'Content-Encoding: aes128gcm\0', 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, 'Content-Encoding: nonce\0', 12));
  const cipher = createCipheriv('aes-128-gcm', cek, nonce);
  // 0x02: the last (and only) record; no padding.
  const body = Buffer.concat([
    cipher.update(plaintext),
    cipher.update(Buffer.from([2])),
    cipher.final(),
  ]);
  const header = Buffer.alloc(21);
  salt.copy(header, 0);
  header.writeUInt32BE(RECORD_SIZE, 16);
  header.writeUInt8(asPublic.length, 20);
  return Buffer.concat([header, asPublic, body, cipher.getAuthTag()]);
}
