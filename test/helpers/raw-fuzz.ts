import net from 'node:net';
import { seededRandom } from '../../scripts/peers/seeded-random';

/** One request as bytes on a TCP socket, and what came back (status 0: nothing). */
export async function rawRequest(
  port: number,
  request: Buffer | string,
  timeoutMs = 4000,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = net.connect(port, '127.0.0.1');
    const done = () => {
      clearTimeout(timer);
      s.destroy();
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    };
    const timer = setTimeout(done, timeoutMs);
    s.on('data', (b) => chunks.push(b));
    s.on('error', done);
    s.on('close', done);
    s.on('connect', () => {
      // Written in pieces, so a server that answers early (413) is read, not reset.
      const bytes = Buffer.from(request);
      let at = 0;
      const pump = () => {
        while (at < bytes.length && !s.destroyed) {
          const next = bytes.subarray(at, at + 64 * 1024);
          at += next.length;
          if (!s.write(next)) return void s.once('drain', pump);
        }
      };
      pump();
    });
  });
}

export interface FuzzCase {
  name: string;
  bytes: Buffer | string;
  /** How long to wait for the answer (a request that never completes waits for the 408). */
  timeoutMs?: number;
  /** A harmless authenticated read, which may well be answered 200. */
  readOk?: boolean;
}

const CRLF = '\r\n';

/** A request with the given parts; Content-Length from the body unless overridden. */
export function http(
  method: string,
  target: string,
  headers: Record<string, string>,
  body: Buffer | string = '',
): Buffer {
  const b = Buffer.from(body);
  const h = { Host: 'vigil', Connection: 'close', ...headers };
  if (b.length > 0 && !Object.keys(h).some((k) => /^(content-length|transfer-encoding)$/i.test(k)))
    (h as Record<string, string>)['Content-Length'] = String(b.length);
  const head = `${method} ${target} HTTP/1.1${CRLF}${Object.entries(h)
    .map(([k, v]) => `${k}: ${v}`)
    .join(CRLF)}${CRLF}${CRLF}`;
  return Buffer.concat([Buffer.from(head, 'latin1'), b]);
}

/**
 * More than 200 malformed requests an attacker on the store's network would send, built from
 * parts (paths, ids, queries, headers, bodies) by a seeded generator.
 */
export function fuzzCases(token: string, etag: string): FuzzCase[] {
  const auth = { Authorization: `Bearer ${token}` };
  const json = { ...auth, 'Content-Type': 'application/json', 'If-Match': etag };
  const cases: FuzzCase[] = [];
  const add = (name: string, bytes: Buffer | string, timeoutMs?: number, readOk = false) =>
    cases.push({ name, bytes, timeoutMs, readOk });
  const read = (name: string, bytes: Buffer | string) => add(name, bytes, undefined, true);
  const rnd = seededRandom(19);
  const junk = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
  // Paths: ids and climbs.
  const ids = [
    'a'.repeat(300),
    'a'.repeat(10_000),
    '%00',
    '%ff%fe',
    '..',
    '%2e%2e',
    'A',
    '-x',
    'caméra',
    '😀',
    '%20',
    'a/b',
  ];
  for (const id of ids) {
    add(`camera id ${id.slice(0, 12)}`, http('GET', `/api/cameras/${id}/frame.jpg`, auth));
    add(
      `zones of ${id.slice(0, 12)}`,
      http('PUT', `/api/cameras/${id}/zones`, json, '{"zones":[]}'),
    );
    add(`alert ${id.slice(0, 12)}`, http('GET', `/api/alerts/${id}/snapshot`, auth));
  }
  for (const p of [
    '/docs/static/../../../../etc/passwd',
    '/docs/static/%2e%2e/%2e%2e/package.json',
    '/docs/%00',
    '/api/%2e%2e/package.json',
    '/api//cameras',
    '/API/CAMERAS',
    '/api/cameras?' + 'x'.repeat(20_000),
  ])
    read(`path ${p.slice(0, 30)}`, http('GET', p, auth));
  // Queries.
  for (const q of [
    'limit=0',
    'limit=-1',
    'limit=1001',
    'limit=x',
    'limit=1e3',
    'limit=%00',
    'limit=1&limit=2',
    'before=yesterday',
    'before=2026-13-01T00:00:00Z',
    'before=pos:-1',
    'before=pos:x',
    'camera=A',
    'camera=%2e%2e',
    'rule=fire',
    'type=open',
    'unknown=1',
    'camera[]=a',
    'camera=' + 'a'.repeat(100),
  ])
    read(`alerts?${q.slice(0, 20)}`, http('GET', `/api/alerts?${q}`, auth));
  for (const q of ['dryRun=yes', 'dryRun=1', 'dryRun=', 'dryRun=true&x=1'])
    add(`config?${q}`, http('PUT', `/api/config?${q}`, json, '{}'));
  // Methods.
  for (const m of ['DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'FOO', 'PROPFIND'])
    for (const p of ['/api/config', '/api/cameras', '/healthz']) add(`${m} ${p}`, http(m, p, auth));
  // Headers.
  const zonesBody = '{"zones":[{"id":"x","polygon":[[0,0],[1,0]]}]}';
  add('If-Match: *', http('PUT', '/api/cameras/a/zones', { ...json, 'If-Match': '*' }, zonesBody));
  add(
    'If-Match huge',
    http('PUT', '/api/cameras/a/zones', { ...json, 'If-Match': 'x'.repeat(8000) }, zonesBody),
  );
  add(
    'If-Match empty',
    http('PUT', '/api/cameras/a/zones', { ...json, 'If-Match': '' }, zonesBody),
  );
  add(
    'Content-Length short',
    http('PUT', '/api/config', { ...json, 'Content-Length': '3' }, '{"a":1}'),
  );
  add(
    'Content-Length long',
    http('PUT', '/api/config', { ...json, 'Content-Length': '9999' }, '{"a":1}'),
    15_000,
  );
  add(
    'Content-Length long, zones',
    http('PUT', '/api/cameras/a/zones', { ...json, 'Content-Length': '500' }, '{"zones":'),
    15_000,
  );
  add(
    'Content-Length letters',
    http('PUT', '/api/config', { ...json, 'Content-Length': 'ten' }, '{}'),
  );
  add(
    'Content-Length negative',
    http('PUT', '/api/config', { ...json, 'Content-Length': '-5' }, '{}'),
  );
  add(
    'two Content-Lengths',
    Buffer.from(
      `PUT /api/config HTTP/1.1\r\nHost: v\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`,
    ),
  );
  add(
    'bad chunking',
    http(
      'PUT',
      '/api/config',
      { ...json, 'Transfer-Encoding': 'chunked' },
      'zz\r\n{}\r\n0\r\n\r\n',
    ),
  );
  add('header 20 KB', http('GET', '/api/cameras', { ...auth, 'X-Pad': 'x'.repeat(20_000) }));
  add(
    'header with NUL',
    Buffer.from(
      `GET /api/cameras HTTP/1.1\r\nHost: v\r\nX-A: a\u0000b\r\nAuthorization: Bearer ${token}\r\n\r\n`,
      'latin1',
    ),
  );
  read(
    'no Host',
    Buffer.from(
      `GET /api/cameras HTTP/1.1\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`,
    ),
  );
  add('HTTP/0.9', 'GET /api/cameras\r\n\r\n');
  add('not HTTP', junk(200));
  add('bare newline request line', 'GET /api/cameras HTTP/1.1\nHost: v\n\n');
  for (const a of [
    'Bearer',
    'Bearer  ',
    'Basic YTpi',
    `bearer ${token}x`,
    'Bearer ' + 'x'.repeat(9000),
    `Bearer ${token}\u0000`,
    'Digest x',
  ])
    add(`Authorization ${a.slice(0, 14)}`, http('GET', '/api/cameras', { Authorization: a }));
  for (const ct of [
    'text/plain',
    'application/xml',
    'multipart/form-data; boundary=x',
    'application/json; charset=latin1',
    'application/x-www-form-urlencoded',
    '',
  ])
    add(
      `Content-Type ${ct || 'empty'}`,
      http('PUT', '/api/config', { ...json, 'Content-Type': ct }, '{}'),
    );
  // Bodies.
  const bodies: [string, Buffer | string][] = [
    ['truncated', '{"cameras":['],
    ['NaN', '{"cameras":NaN}'],
    ['BOM', '\ufeff{}'],
    ['trailing garbage', '{}x'],
    ['a number', '5'],
    ['a string', '"x"'],
    ['null', 'null'],
    ['deep 65', '['.repeat(65) + ']'.repeat(65)],
    ['deep 100k', '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)],
    ['huge number', '{"logLevel":1e400}'],
    ['5 MB', '{"x":"' + 'a'.repeat(5 * 2 ** 20) + '"}'],
    ['300 KB', '{"x":"' + 'a'.repeat(300 * 1024) + '"}'],
    ['duplicate keys', '{"logLevel":"info","logLevel":"debug"}'],
    ['__proto__', '{"__proto__":{"admin":true},"cameras":[]}'],
    ['constructor', '{"constructor":{"prototype":{"x":1}}}'],
  ];
  for (let i = 0; i < 12; i++)
    bodies.push([`random bytes ${i}`, junk(20 + Math.floor(rnd() * 2000))]);
  for (const [name, body] of bodies) {
    add(`config body ${name}`, http('PUT', '/api/config', json, body));
    add(`zones body ${name}`, http('PUT', '/api/cameras/a/zones', json, body));
    add(`discovery body ${name}`, http('POST', '/api/discovery', json, body));
  }
  // Wrong shapes of valid JSON for each write route.
  const shapes = [
    '[]',
    '{"zones":{}}',
    '{"zones":[null]}',
    '{"zones":[{"id":5}]}',
    '{"zones":[{"id":"x","polygon":"[]"}]}',
    '{"zones":[{"id":"x","polygon":[[0,0],[1,0],[1,1]],"kind":"moat"}]}',
    '{"zones":[{"id":"x","polygon":[[0,0],[2,0],[1,1]]}]}',
    '{"zones":[{"id":"x","polygon":[[0,0],[1,0],[1,1]],"loitering":{"dwellSeconds":-1}}]}',
  ];
  for (const b of shapes)
    add(`zones shape ${b.slice(0, 30)}`, http('PUT', '/api/cameras/a/zones', json, b));
  for (const b of [
    '{"timeoutMs":"x"}',
    '{"interface":"eth0;reboot"}',
    '{"timeoutMs":-1}',
    '{"interface":"' + 'e'.repeat(500) + '"}',
  ])
    add(`discovery shape ${b.slice(0, 24)}`, http('POST', '/api/discovery', json, b));
  for (const b of ['{}', '{"xaddr":"javascript:alert(1)"}', '{"xaddr":"http://"}', '{"xaddr":5}'])
    add(`adopt shape ${b.slice(0, 24)}`, http('POST', '/api/discovery/adopt', json, b));
  return cases;
}
