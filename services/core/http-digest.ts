import { createHash, randomBytes } from 'node:crypto';

/**
 * GET with the credentials of the URL (user:password@host): HTTP basic or digest (MD5 or
 * SHA-256, qop=auth), whichever the server asks for in its 401. Camera snapshot URIs use both.
 */
export async function fetchWithAuth(url: string, timeoutMs: number): Promise<Response> {
  const u = new URL(url);
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);
  u.username = '';
  u.password = '';
  const target = u.toString();
  const signal = AbortSignal.timeout(timeoutMs);
  const first = await fetch(target, { signal });
  if (first.status !== 401 || !user) return first;
  await first.arrayBuffer();
  const challenge = first.headers.get('www-authenticate') ?? '';
  let authorization: string;
  if (/^Digest /i.test(challenge)) authorization = digestHeader(challenge, user, pass, u);
  else authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  return fetch(target, { signal, headers: { authorization } });
}

function digestHeader(challenge: string, user: string, pass: string, u: URL): string {
  const field = (k: string) => new RegExp(`${k}="?([^",]+)"?`, 'i').exec(challenge)?.[1];
  const realm = field('realm') ?? '';
  const nonce = field('nonce') ?? '';
  const algorithm = (field('algorithm') ?? 'MD5').toUpperCase();
  const hashName = algorithm.startsWith('SHA-256') ? 'sha256' : 'md5';
  const h = (s: string) => createHash(hashName).update(s).digest('hex');
  const uri = u.pathname + u.search;
  const qop = field('qop')
    ?.split(/\s*,\s*/)
    .includes('auth')
    ? 'auth'
    : undefined;
  const nc = '00000001';
  const cnonce = randomBytes(8).toString('hex');
  const ha1 = h(`${user}:${realm}:${pass}`);
  const ha2 = h(`GET:${uri}`);
  const response = qop
    ? h(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`)
    : h(`${ha1}:${nonce}:${ha2}`);
  const parts = [
    `username="${user}"`,
    `realm="${realm}"`,
    `nonce="${nonce}"`,
    `uri="${uri}"`,
    `algorithm=${algorithm}`,
    `response="${response}"`,
  ];
  const opaque = field('opaque');
  if (opaque) parts.push(`opaque="${opaque}"`);
  if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`);
  return `Digest ${parts.join(', ')}`;
}
