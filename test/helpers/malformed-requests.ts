/** One request that must be refused with a 4xx and a stable VIGIL_ERR_* code. */
export interface BadRequest {
  name: string;
  method: string;
  url: string;
  body?: string;
  headers?: Record<string, string>;
  token?: 'admin' | 'viewer' | 'none';
  /** The exact code expected, when it matters. */
  code?: string;
  /** A word the message (or details) must contain: the offending field. */
  field?: string;
}

const zone = (over: Record<string, unknown> = {}) => ({
  id: 'door',
  polygon: [
    [0.1, 0.1],
    [0.5, 0.1],
    [0.5, 0.5],
  ],
  ...over,
});
const cam = (over: Record<string, unknown> = {}) => ({
  id: 'a',
  source: { url: 'rtsp://127.0.0.1/x' },
  ...over,
});

/** The matrix of the API issue: wrong types, unknown keys, bad polygons, huge bodies, ids, JSON, content types. */
export function malformedRequests(etag: string): BadRequest[] {
  const m = { 'if-match': etag };
  const zonesPut = (
    name: string,
    body: unknown,
    field?: string,
    code = 'VIGIL_ERR_REQUEST_INVALID',
  ): BadRequest => ({
    name: `zones: ${name}`,
    method: 'PUT',
    url: '/api/cameras/a/zones',
    body: JSON.stringify(body),
    headers: m,
    code,
    field,
  });
  const configPut = (name: string, body: unknown, field?: string): BadRequest => ({
    name: `config: ${name}`,
    method: 'PUT',
    url: '/api/config',
    body: JSON.stringify(body),
    headers: m,
    code: 'VIGIL_ERR_CONFIG_INVALID',
    field,
  });
  const cases: BadRequest[] = [];
  // Wrong types and shapes of the zones body.
  for (const v of ['x', 5, null, {}, true])
    cases.push(zonesPut(`zones is ${JSON.stringify(v)}`, { zones: v }, 'zones'));
  for (const v of [[], 'zones', 7, null])
    cases.push(zonesPut(`body is ${JSON.stringify(v)}`, v, 'body'));
  cases.push(zonesPut('no zones key', { zone: [] }, 'zone'));
  // Unknown keys at every level.
  cases.push(zonesPut('unknown top-level key', { zones: [], extra: 1 }, 'extra'));
  cases.push(zonesPut('unknown zone key', { zones: [zone({ colour: 'red' })] }, 'colour'));
  cases.push(
    zonesPut('unknown loitering key', { zones: [zone({ loitering: { dwell: 5 } })] }, 'dwell'),
  );
  // Polygons: too few points, outside 0-1, wrong types, wrong arity.
  for (const pts of [
    [],
    [[0.1, 0.1]],
    [
      [0.1, 0.1],
      [0.2, 0.2],
    ],
  ])
    cases.push(
      zonesPut(`polygon of ${pts.length} points`, { zones: [zone({ polygon: pts })] }, 'polygon'),
    );
  // Out of range, then not numbers at all (JSON.stringify names both kinds the same way).
  for (const v of [-0.1, 1.5, 2, 100, -50, 'a', null, true, [0.1], {}])
    cases.push(
      zonesPut(
        `coordinate ${JSON.stringify(v)}`,
        {
          zones: [
            zone({
              polygon: [
                [v, 0.1],
                [0.5, 0.1],
                [0.5, 0.5],
              ],
            }),
          ],
        },
        'polygon',
      ),
    );
  cases.push(
    zonesPut(
      'point with 3 numbers',
      {
        zones: [
          zone({
            polygon: [
              [0.1, 0.1, 0.1],
              [0.5, 0.1],
              [0.5, 0.5],
            ],
          }),
        ],
      },
      'polygon',
    ),
  );
  cases.push(zonesPut('polygon is a string', { zones: [zone({ polygon: 'square' })] }, 'polygon'));
  cases.push(
    zonesPut(
      '65 points',
      { zones: [zone({ polygon: Array.from({ length: 65 }, (_, i) => [i / 100, (i % 2) / 2]) })] },
      'polygon',
    ),
  );
  // Cross-field checks (run by the config validation after the schema).
  cases.push(
    zonesPut(
      'self-crossing polygon',
      {
        zones: [
          zone({
            polygon: [
              [0, 0],
              [1, 1],
              [1, 0.2],
              [0, 0.9],
            ],
          }),
        ],
      },
      'polygon',
      'VIGIL_ERR_CONFIG_INVALID',
    ),
  );
  cases.push(
    zonesPut(
      'zero-area polygon',
      {
        zones: [
          zone({
            polygon: [
              [0, 0],
              [0.5, 0.5],
              [1, 1],
            ],
          }),
        ],
      },
      'polygon',
      'VIGIL_ERR_CONFIG_INVALID',
    ),
  );
  cases.push(
    zonesPut('duplicate zone ids', { zones: [zone(), zone()] }, 'id', 'VIGIL_ERR_CONFIG_INVALID'),
  );
  // Field values.
  for (const id of ['', 'A B', '../x', 'x'.repeat(100), 5, null])
    cases.push(
      zonesPut(`zone id ${JSON.stringify(id).slice(0, 20)}`, { zones: [zone({ id })] }, 'id'),
    );
  for (const kind of ['aisle', '', 3])
    cases.push(zonesPut(`kind ${JSON.stringify(kind)}`, { zones: [zone({ kind })] }, 'kind'));
  for (const d of [0, -5, '10', 1e9, null])
    cases.push(
      zonesPut(
        `dwellSeconds ${JSON.stringify(d)}`,
        { zones: [zone({ loitering: { dwellSeconds: d } })] },
        'dwellSeconds',
      ),
    );
  for (const g of [-1, 'x', 601])
    cases.push(
      zonesPut(
        `graceSeconds ${JSON.stringify(g)}`,
        { zones: [zone({ loitering: { graceSeconds: g } })] },
        'graceSeconds',
      ),
    );
  cases.push(
    zonesPut('name of 500 characters', { zones: [zone({ name: 'n'.repeat(500) })] }, 'name'),
  );
  for (const q of [[{ from: '25:00', to: '06:00' }], [{ from: '22:00' }], ['22-06']])
    cases.push(
      zonesPut(
        `quietHours ${JSON.stringify(q)}`,
        { zones: [zone({ quietHours: q })] },
        'quietHours',
      ),
    );
  for (const h of [0.5, -1, 'wide'])
    cases.push(
      zonesPut(
        `hysteresis ${JSON.stringify(h)}`,
        { zones: [zone({ hysteresis: h })] },
        'hysteresis',
      ),
    );
  cases.push(
    zonesPut(
      '65 zones',
      { zones: Array.from({ length: 65 }, (_, i) => zone({ id: `z${i}` })) },
      'zones',
    ),
  );
  // Bad JSON, content types, huge bodies.
  for (const raw of ['{', '{"zones": [}', 'zones', "{'zones': []}", '{"zones": [] '])
    cases.push({
      name: `bad JSON ${raw}`,
      method: 'PUT',
      url: '/api/cameras/a/zones',
      body: raw,
      headers: m,
      code: 'VIGIL_ERR_BAD_JSON',
    });
  for (const ct of [
    'text/plain',
    'application/xml',
    'multipart/form-data; boundary=x',
    'application/x-www-form-urlencoded',
  ]) {
    cases.push({
      name: `content type ${ct}`,
      method: 'PUT',
      url: '/api/cameras/a/zones',
      body: '{"zones":[]}',
      headers: { ...m, 'content-type': ct },
      code: 'VIGIL_ERR_UNSUPPORTED_MEDIA',
    });
  }
  cases.push({
    name: 'body of 300 KB',
    method: 'PUT',
    url: '/api/cameras/a/zones',
    body: JSON.stringify({ zones: [], pad: 'x'.repeat(300_000) }),
    headers: m,
    code: 'VIGIL_ERR_BODY_TOO_LARGE',
  });
  cases.push({
    name: 'config body of 2 MB',
    method: 'PUT',
    url: '/api/config',
    body: JSON.stringify({ cameras: [], pad: 'x'.repeat(2_000_000) }),
    headers: m,
    code: 'VIGIL_ERR_BODY_TOO_LARGE',
  });
  // Unknown ids and path tricks.
  for (const id of ['zz', 'nosuchcamera'])
    cases.push({
      name: `unknown camera ${id}`,
      method: 'PUT',
      url: `/api/cameras/${id}/zones`,
      body: '{"zones":[]}',
      headers: m,
      code: 'VIGIL_ERR_NOT_FOUND',
    });
  for (const id of ['..%2F..%2Fetc', 'A', '%00', 'a%20b', '.hidden', 'a%2Fb'])
    cases.push({
      name: `camera id ${id}`,
      method: 'PUT',
      url: `/api/cameras/${id}/zones`,
      body: '{"zones":[]}',
      headers: m,
      field: 'id',
    });
  cases.push({
    name: 'path traversal',
    method: 'GET',
    url: '/api/cameras/../../etc/passwd/frame.jpg',
    code: 'VIGIL_ERR_NOT_FOUND',
  });
  for (const id of ['zz', 'nope'])
    cases.push({
      name: `frame of unknown camera ${id}`,
      method: 'GET',
      url: `/api/cameras/${id}/frame.jpg`,
      code: 'VIGIL_ERR_NOT_FOUND',
    });
  cases.push({
    name: 'frame of camera id with spaces',
    method: 'GET',
    url: '/api/cameras/a%20b/frame.jpg',
    field: 'id',
  });
  // Query strings.
  for (const q of ['dryRun=yes', 'dryRun=1', 'foo=1'])
    cases.push({
      name: `zones ?${q}`,
      method: 'PUT',
      url: `/api/cameras/a/zones?${q}`,
      body: '{"zones":[]}',
      headers: m,
      field: q.split('=')[0],
    });
  for (const q of [
    'limit=0',
    'limit=5000',
    'limit=abc',
    'rule=theft',
    'type=x',
    'camera=A%20B',
    'before=yesterday',
    'foo=bar',
  ]) {
    cases.push({
      name: `alerts ?${q}`,
      method: 'GET',
      url: `/api/alerts?${q}`,
      token: 'viewer',
      field: q.split('=')[0],
    });
  }
  for (const id of ['not-a-uuid', '12345', 'ZZZZZZZZ-5d7c-4a55-9f1e-2b8c6f0a1d2e'])
    cases.push({
      name: `snapshot of ${id}`,
      method: 'GET',
      url: `/api/alerts/${id}/snapshot`,
      token: 'viewer',
      field: 'id',
    });
  cases.push({
    name: 'snapshot of ..',
    method: 'GET',
    url: '/api/alerts/../snapshot',
    token: 'viewer',
    code: 'VIGIL_ERR_NOT_FOUND',
  });
  cases.push({
    name: 'snapshot of an unknown alert',
    method: 'GET',
    url: '/api/alerts/0b9f3f8e-5d7c-4a55-9f1e-2b8c6f0a1d2e/snapshot',
    token: 'viewer',
    code: 'VIGIL_ERR_NOT_FOUND',
  });
  // Whole-config replacement.
  cases.push(configPut('empty object', {}, 'cameras'));
  cases.push(configPut('cameras is a string', { cameras: 'x' }, 'cameras'));
  cases.push(configPut('camera without source', { cameras: [{ id: 'a' }] }, 'source'));
  cases.push(configPut('log level', { logLevel: 'loud', cameras: [cam()] }, 'logLevel'));
  cases.push(configPut('unknown top key', { colour: 'red', cameras: [cam()] }, 'colour'));
  cases.push(configPut('broker URL', { mqtt: { url: 'nope' }, cameras: [cam()] }, 'url'));
  cases.push(configPut('API port', { api: { port: 70000 }, cameras: [cam()] }, 'port'));
  cases.push(
    configPut('input width', { inference: { inputWidth: 100 }, cameras: [cam()] }, 'inputWidth'),
  );
  cases.push(
    configPut(
      'token hash',
      { api: { tokens: [{ name: 'x', role: 'admin', sha256: 'abc' }] }, cameras: [cam()] },
      'sha256',
    ),
  );
  cases.push(
    configPut(
      'token role',
      { api: { tokens: [{ name: 'x', role: 'root', sha256: 'a'.repeat(64) }] }, cameras: [cam()] },
      'role',
    ),
  );
  cases.push(configPut('duplicate camera ids', { cameras: [cam(), cam()] }, 'id'));
  cases.push(
    configPut('camera URL scheme', { cameras: [cam({ source: { url: 'http://x/y' } })] }, 'url'),
  );
  cases.push({
    name: 'config: body is an array',
    method: 'PUT',
    url: '/api/config',
    body: '[]',
    headers: m,
    field: 'body',
  });
  cases.push({
    name: 'config: body is a string',
    method: 'PUT',
    url: '/api/config',
    body: '"x"',
    headers: m,
    field: 'body',
  });
  cases.push({
    name: 'config: bad JSON',
    method: 'PUT',
    url: '/api/config',
    body: '{"cameras":',
    headers: m,
    code: 'VIGIL_ERR_BAD_JSON',
  });
  // Add a camera by URL: a typed body, each field named.
  for (const [what, body, field] of [
    ['no url', { id: 'till-1' }, 'url'],
    ['a file URL', { id: 'till-1', url: 'file:///etc/passwd' }, 'url'],
    ['an id with capitals', { id: 'Till', url: 'rtsp://10.0.0.9/s' }, 'id'],
    ['an unknown field', { id: 'till-1', url: 'rtsp://10.0.0.9/s', zones: [] }, 'zones'],
  ] as const)
    cases.push({
      name: `add camera: ${what}`,
      method: 'POST',
      url: '/api/cameras',
      body: JSON.stringify(body),
      headers: m,
      field,
    });
  // Unknown routes and methods.
  for (const [method, url] of [
    ['GET', '/api/nope'],
    ['DELETE', '/api/config'],
    ['DELETE', '/api/cameras'],
    ['PATCH', '/api/cameras/a/zones'],
    ['GET', '/api/config/../../etc'],
  ]) {
    cases.push({
      name: `${method} ${url}`,
      method: method!,
      url: url!,
      code: 'VIGIL_ERR_NOT_FOUND',
    });
  }
  // Authentication and roles.
  for (const [method, url] of [
    ['GET', '/api/cameras'],
    ['GET', '/api/config'],
    ['GET', '/metrics'],
    ['GET', '/readyz'],
    ['PUT', '/api/cameras/a/zones'],
    ['POST', '/api/config/rollback'],
  ]) {
    cases.push({
      name: `no token ${method} ${url}`,
      method: method!,
      url: url!,
      token: 'none',
      body: method === 'GET' ? undefined : '{"zones":[]}',
      code: 'VIGIL_ERR_UNAUTHORIZED',
    });
  }
  cases.push({
    name: 'viewer replaces config',
    method: 'PUT',
    url: '/api/config',
    token: 'viewer',
    body: JSON.stringify({ cameras: [cam()] }),
    headers: m,
    code: 'VIGIL_ERR_FORBIDDEN',
  });
  cases.push({
    name: 'viewer rolls back',
    method: 'POST',
    url: '/api/config/rollback',
    token: 'viewer',
    headers: m,
    code: 'VIGIL_ERR_FORBIDDEN',
  });
  cases.push({
    name: 'rollback without If-Match',
    method: 'POST',
    url: '/api/config/rollback',
    code: 'VIGIL_ERR_PRECONDITION_REQUIRED',
  });
  cases.push({
    name: 'zones without If-Match',
    method: 'PUT',
    url: '/api/cameras/a/zones',
    body: '{"zones":[]}',
    code: 'VIGIL_ERR_PRECONDITION_REQUIRED',
  });
  // Discovery and adoption bodies.
  const post = (
    name: string,
    url: string,
    body: unknown,
    field?: string,
    code = 'VIGIL_ERR_REQUEST_INVALID',
  ): BadRequest => ({
    name: `${url}: ${name}`,
    method: 'POST',
    url,
    body: JSON.stringify(body),
    headers: m,
    code,
    field,
  });
  const adopt = {
    xaddr: 'http://127.0.0.1:9/onvif/device_service',
    username: 'u',
    password: 'p',
    id: 'new-cam',
  };
  cases.push(
    post('timeout too long', '/api/discovery', { timeoutSeconds: 600 }, 'timeoutSeconds'),
    post(
      'interface with a shell character',
      '/api/discovery',
      { interface: 'eth0;reboot' },
      'interface',
    ),
    post('unknown key', '/api/discovery', { subnet: '10.0.0.0/8' }, 'subnet'),
    post('username without password', '/api/discovery', { username: 'u' }, 'password'),
    post(
      'xaddr not http',
      '/api/discovery/adopt',
      { ...adopt, xaddr: 'file:///etc/passwd' },
      'xaddr',
    ),
    post('bad camera id', '/api/discovery/adopt', { ...adopt, id: 'New Cam' }, 'id'),
    post('no password', '/api/discovery/adopt', { ...adopt, password: undefined }, 'password'),
    post(
      'stream neither sub nor main',
      '/api/discovery/adopt',
      { ...adopt, stream: 'third' },
      'stream',
    ),
    post(
      'existing camera id',
      '/api/discovery/adopt',
      { ...adopt, id: 'a' },
      'a',
      'VIGIL_ERR_CAMERA_EXISTS',
    ),
    {
      ...post('viewer token', '/api/discovery', {}),
      token: 'viewer',
      code: 'VIGIL_ERR_FORBIDDEN',
      field: undefined,
    },
  );
  return cases;
}
