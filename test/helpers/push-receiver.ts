import {
  createDecipheriv,
  createECDH,
  createPublicKey,
  hkdfSync,
  randomBytes,
  verify,
} from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Web Push service on loopback, holding the subscriptions' private keys as a browser would:
 * each subscription has its own P-256 key pair and auth secret. Every push it receives is checked
 * like a push service (VAPID JWT, ES256, aud = this origin) and decrypted like a browser
 * (RFC 8291 aes128gcm), written here independently of the daemon's code.
 */
export interface ReceivedPush {
  subscription: string;
  headers: http.IncomingHttpHeaders;
  jwt: { header: Record<string, unknown>; claims: Record<string, unknown>; verified: boolean };
  vapidKey: string;
  payload: unknown;
}

export interface FakeSubscription {
  name: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
  /** What the service answers for this subscription (201; 410 once the device is gone). */
  status: number;
  privateKey: Buffer;
}

function decrypt(body: Buffer, sub: FakeSubscription): Buffer {
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20]!;
  const asPublic = body.subarray(21, 21 + idlen);
  const record = body.subarray(21 + idlen);
  if (record.length > rs) throw new Error('record larger than rs');
  const ua = createECDH('prime256v1');
  ua.setPrivateKey(sub.privateKey);
  const uaPublic = ua.getPublicKey();
  const auth = Buffer.from(sub.keys.auth, 'base64url');
  const secret = ua.computeSecret(asPublic);
  const info = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', secret, auth, info, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, 'Content-Encoding: aes128gcm\0', 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, 'Content-Encoding: nonce\0', 12));
  const d = createDecipheriv('aes-128-gcm', cek, nonce);
  d.setAuthTag(record.subarray(record.length - 16));
  const plain = Buffer.concat([d.update(record.subarray(0, record.length - 16)), d.final()]);
  // Strip padding: the last non-zero byte is the delimiter, 2 for the last record.
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end--;
  if (plain[end] !== 2) throw new Error('bad record delimiter');
  return plain.subarray(0, end);
}

function checkVapid(authorization: string, origin: string) {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization);
  if (!m) throw new Error(`not a vapid Authorization: ${authorization}`);
  const [h, c, s] = m[1]!.split('.');
  const header = JSON.parse(Buffer.from(h!, 'base64url').toString()) as Record<string, unknown>;
  const claims = JSON.parse(Buffer.from(c!, 'base64url').toString()) as Record<string, unknown>;
  const point = Buffer.from(m[2]!, 'base64url');
  const key = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url'),
    },
    format: 'jwk',
  });
  const signed = verify(
    'sha256',
    Buffer.from(`${h}.${c}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(s!, 'base64url'),
  );
  const verified =
    signed &&
    header.alg === 'ES256' &&
    claims.aud === origin &&
    typeof claims.exp === 'number' &&
    claims.exp > Date.now() / 1000 &&
    claims.exp < Date.now() / 1000 + 24 * 3600 + 60;
  return { jwt: { header, claims, verified }, vapidKey: m[2]! };
}

export async function startPushReceiver() {
  const subs = new Map<string, FakeSubscription>();
  const received: ReceivedPush[] = [];
  const errors: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const name = (req.url ?? '').split('/').pop() ?? '';
      const sub = subs.get(name);
      if (!sub) {
        res.writeHead(404).end();
        return;
      }
      try {
        const v = checkVapid(String(req.headers.authorization ?? ''), origin);
        const payload = JSON.parse(decrypt(Buffer.concat(chunks), sub).toString('utf8')) as unknown;
        received.push({ subscription: name, headers: req.headers, ...v, payload });
        res.writeHead(sub.status).end();
      } catch (err) {
        errors.push(`${name}: ${(err as Error).message}`);
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    received,
    errors,
    /** A browser's new subscription: its own key pair and auth secret. */
    subscribe(name: string, status = 201): FakeSubscription {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const sub: FakeSubscription = {
        name,
        endpoint: `${origin}/push/${name}`,
        keys: {
          p256dh: ecdh.getPublicKey().toString('base64url'),
          auth: randomBytes(16).toString('base64url'),
        },
        status,
        privateKey: ecdh.getPrivateKey(),
      };
      subs.set(name, sub);
      return sub;
    },
    decrypt,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
