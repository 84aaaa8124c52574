import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { sha256Hex } from '../../../services/core/hashing';
import { buildApi } from '../../../services/api/server';
import { ConfigStore } from '../../../services/config/config-store';
import { captureLogger } from '../../helpers/logger';
import { tempDir } from '../../helpers/media';
import { fuzzCases, rawRequest } from '../../helpers/raw-fuzz';
import { testApiContext } from '../../helpers/api-context';

const SITE = `# a site file with comments
api:
  tokens:
    - { name: ops, role: admin, sha256: ${sha256Hex('fuzz-admin')} }
cameras:
  - id: a
    source: { url: rtsp://127.0.0.1/a } # the door
`;

test('200+ malformed requests on raw sockets: no 500, every answer a 4xx with a VIGIL_ERR_* code, the config file byte-identical', async () => {
  const file = path.join(tempDir('vigil-fuzz-'), 'site.yaml');
  writeFileSync(file, SITE);
  const store = new ConfigStore(file, {});
  const { log, lines } = captureLogger('warn');
  // Every request here is malformed: none may reach the daemon's apply (the real apply path is
  // tested in live-api.test.ts and e2e/config-writes.test.ts).
  const applied: unknown[] = [];
  const app = buildApi(
    testApiContext({
      tokens: () => [{ name: 'ops', role: 'admin', sha256: sha256Hex('fuzz-admin') }],
      rateLimitPerMinute: 100_000,
      configStore: store,
      applyConfig: async (v) => void applied.push(v),
    }),
    log,
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  try {
    const cases = fuzzCases('fuzz-admin', store.etag);
    expect(cases.length).toBeGreaterThanOrEqual(200);
    const wrong: string[] = [];
    for (const c of cases) {
      const r = await rawRequest(port, c.bytes, c.timeoutMs);
      let code = '';
      try {
        code = (JSON.parse(r.body) as { code?: string }).code ?? '';
      } catch {
        code = '';
      }
      if (r.status === 0) wrong.push(`${c.name}: no answer`);
      else if (r.status >= 500) wrong.push(`${c.name}: ${r.status} ${r.body.slice(0, 100)}`);
      else if (r.status < 400) {
        // A 2xx or 3xx to a malformed request is only right for a harmless read.
        if (!c.readOk) wrong.push(`${c.name}: accepted with ${r.status}`);
      } else if (r.status >= 400 && !/^VIGIL_ERR_[A-Z_]+$/.test(code))
        wrong.push(`${c.name}: ${r.status} without a Vigil code: ${r.body.slice(0, 100)}`);
    }
    expect(wrong).toEqual([]);
    expect(readFileSync(file, 'utf8')).toBe(SITE);
    expect(applied).toEqual([]);
    expect(
      lines()
        .filter((l) => (l.level as number) >= 50)
        .map((l) => l.msg),
    ).toEqual([]);
  } finally {
    await app.close();
  }
}, 120_000);
