import { createECDH } from 'node:crypto';
import { encryptPush, MAX_PLAINTEXT } from '../../../services/push/web-push-crypto';
import { startPushReceiver } from '../../helpers/push-receiver';

// RFC 8291 Appendix A: the published example message (test data of the standard, not secrets).
const RFC = {
  plaintext: 'When I grow up, I want to be a watermelon',
  asPrivate: 'yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw',
  uaPrivate: 'q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94',
  uaPublic:
    'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4',
  auth: 'BTBZMqHH6r4Tts7J_aSIgg',
  salt: 'DGv6ra1nlYgDCS1FRnbzlw',
  body:
    'DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYW' +
    'AmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSx' +
    'sj_Qulcy4a-fN',
};

test('aes128gcm encryption reproduces the RFC 8291 example byte for byte', () => {
  const body = encryptPush(
    Buffer.from(RFC.plaintext),
    { p256dh: RFC.uaPublic, auth: RFC.auth },
    {
      salt: Buffer.from(RFC.salt, 'base64url'),
      senderPrivateKey: Buffer.from(RFC.asPrivate, 'base64url'),
    },
  );
  expect(body.toString('base64url')).toBe(RFC.body);
});

test('a random-key message decrypts with the subscription private key (a browser would)', async () => {
  const r = await startPushReceiver();
  try {
    const sub = r.subscribe('phone');
    const msg = Buffer.from(JSON.stringify({ hello: 'ann', n: 'é'.repeat(50) }));
    const a = encryptPush(msg, sub.keys);
    const b = encryptPush(msg, sub.keys);
    expect(a.equals(b)).toBe(false);
    expect(r.decrypt(a, sub).equals(msg)).toBe(true);
    // Another device's keys cannot read it.
    expect(() => r.decrypt(a, r.subscribe('other'))).toThrow();
  } finally {
    await r.close();
  }
});

test.each([
  ['a short key', { p256dh: 'AAAA', auth: RFC.auth }, /p256dh/],
  ['a 15-byte auth', { p256dh: RFC.uaPublic, auth: 'BTBZMqHH6r4Tts7J_aSI' }, /auth/],
  [
    'a point off the curve',
    {
      p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]).toString('base64url'),
      auth: RFC.auth,
    },
    /P-256/,
  ],
])('keys refused: %s', (_name, keys, message) => {
  expect(() => encryptPush(Buffer.from('x'), keys)).toThrow(message);
});

test('a payload that cannot fit one 4096-byte record is refused with a code', () => {
  const ua = createECDH('prime256v1');
  ua.generateKeys();
  const keys = { p256dh: ua.getPublicKey().toString('base64url'), auth: RFC.auth };
  expect(encryptPush(Buffer.alloc(MAX_PLAINTEXT), keys).length).toBe(4096);
  expect(() => encryptPush(Buffer.alloc(MAX_PLAINTEXT + 1), keys)).toThrow(
    expect.objectContaining({ code: 'VIGIL_ERR_PUSH_FAILED' }),
  );
});
