import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigStore } from '../../../services/config/config-store';
import type { ConfigChange, Version } from '../../../services/config/config-store';
import { tempDir } from '../../helpers/media';

const SITE = `# Store 12, Lyon: cameras installed 2026-11.
logLevel: info
mqtt:
  url: mqtt://127.0.0.1:1883
  username: vigil
  password: s3cret # rotated monthly
cameras:
  # The till, seen from the ceiling.
  - id: till
    source: {url: rtsp://127.0.0.1/till}
    zones:
      - id: queue # where people wait
        polygon: [[0.10, 0.40], [0.5, 0.1], [0.5, 0.5]]
        loitering: {dwellSeconds: 30}
`;

function site(mode = 0o600): string {
  const file = path.join(tempDir('vigil-store-'), 'site.yaml');
  writeFileSync(file, SITE);
  chmodSync(file, mode);
  return file;
}

type Raw = { cameras: { zones: { loitering: { dwellSeconds: number } }[] }[] };
const dwellOf = (v: Version) => v.config.cameras[0]!.zones[0]!.loitering.dwellSeconds;

/** The plan of a change that sets the first zone's dwell time. */
const dwell = (seconds: number) => (cur: Version) => {
  const raw = structuredClone(cur.raw) as Raw;
  raw.cameras[0]!.zones[0]!.loitering.dwellSeconds = seconds;
  return raw;
};

test('a zone change keeps the file mode (600), every comment, number formats and the layout of what did not change', async () => {
  const file = site(0o600);
  const store = new ConfigStore(file, {});
  await store.change(dwell(45), store.etag, false);
  const text = readFileSync(file, 'utf8');
  expect(statSync(file).mode & 0o777).toBe(0o600);
  for (const comment of [
    '# Store 12, Lyon: cameras installed 2026-11.',
    '# rotated monthly',
    '# The till, seen from the ceiling.',
    '# where people wait',
  ])
    expect(text).toContain(comment);
  expect(text).toContain('dwellSeconds: 45');
  expect(text).toContain('polygon: [[0.10, 0.40], [0.5, 0.1], [0.5, 0.5]]');
  // Byte for byte, but for the one value changed.
  expect(text.replace('45', '30')).toBe(SITE);
});

test('an edit by hand since the last read changes the ETag: a write based on the old one is 412, the hand edit stays', async () => {
  const file = site();
  const store = new ConfigStore(file, {});
  const stale = store.etag;
  writeFileSync(file, SITE.replace('dwellSeconds: 30', 'dwellSeconds: 60'));
  await expect(store.change(dwell(45), stale, false)).rejects.toThrow(
    expect.objectContaining({ code: 'VIGIL_ERR_PRECONDITION_FAILED' }),
  );
  expect(readFileSync(file, 'utf8')).toContain('dwellSeconds: 60');
  // The API now serves the hand edit and its ETag.
  expect((store.latest.raw as Raw).cameras[0]!.zones[0]!.loitering.dwellSeconds).toBe(60);
  expect(store.etag).not.toBe(stale);
});

test('a file that cannot be written is VIGIL_ERR_CONFIG_WRITE, and nothing changes', async () => {
  const file = site(0o644);
  const store = new ConfigStore(file, {});
  // Where the temp file must go stands a folder (root ignores permission bits, not this).
  mkdirSync(`${file}.tmp`);
  const applied: number[] = [];
  const apply = async (v: Version) => void applied.push(dwellOf(v));
  await expect(store.change(dwell(45), store.etag, false, apply)).rejects.toThrow(
    expect.objectContaining({
      code: 'VIGIL_ERR_CONFIG_WRITE',
      message: expect.stringContaining('nothing was changed'),
    }),
  );
  expect(readFileSync(file, 'utf8')).toBe(SITE);
  expect(applied).toEqual([]);
});

test('a YAML alias bomb written by hand is refused with VIGIL_ERR_CONFIG_READ, not expanded', () => {
  const file = site();
  const store = new ConfigStore(file, {});
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    .concat(
      Array.from(
        { length: 8 },
        (_, i) =>
          `${'b'.repeat(i + 1)}: &${'b'.repeat(i + 1)} [${Array(9)
            .fill(i === 0 ? '*a' : `*${'b'.repeat(i)}`)
            .join(',')}]`,
      ),
    )
    .join('\n');
  writeFileSync(file, `${bomb}\n`);
  expect(() => store.latest).toThrow(expect.objectContaining({ code: 'VIGIL_ERR_CONFIG_READ' }));
});

test('a chain of valid writes sent together (30->45 with the 30 ETag, 45->30 with the 45 ETag) runs one at a time: each check, save and apply before the next', async () => {
  const file = site();
  const store = new ConfigStore(file, {});
  const e30 = store.etag;
  await store.change(dwell(45), e30, false);
  const e45 = store.etag;
  await store.change(dwell(30), e45, false);
  expect(store.etag).toBe(e30);
  let inside = 0;
  let most = 0;
  const applied: number[] = [];
  // An apply that yields halfway, as VigilApp's does at `await running.stop()`.
  const apply = async (v: Version) => {
    most = Math.max(most, ++inside);
    await new Promise((r) => setTimeout(r, 5));
    applied.push(dwellOf(v));
    inside--;
  };
  const writes = Array.from({ length: 20 }, (_, i) =>
    i % 2 === 0
      ? store.change(dwell(45), e30, false, apply)
      : store.change(dwell(30), e45, false, apply),
  );
  const results = await Promise.allSettled(writes);
  const codes = results.map((r) =>
    r.status === 'fulfilled' ? 200 : (r.reason as { code: string }).code,
  );
  expect(codes.every((c) => c === 200 || c === 'VIGIL_ERR_PRECONDITION_FAILED')).toBe(true);
  expect(most).toBe(1);
  // Each apply saw the file it followed: they alternate, and the last one is what the file holds.
  expect(applied.length).toBe(codes.filter((c) => c === 200).length);
  applied.forEach((d, i) => i > 0 && expect(d).not.toBe(applied[i - 1]));
  expect(dwellOf(store.latest)).toBe(applied[applied.length - 1]);
});

test('an apply that throws halfway: the previous file is back, the previous version is applied (what was stopped restarts), the caller gets VIGIL_ERR_CONFIG_APPLY', async () => {
  const file = site();
  const store = new ConfigStore(file, {});
  const calls: { dwell: number; change: ConfigChange }[] = [];
  const apply = async (v: Version, change: ConfigChange) => {
    calls.push({ dwell: dwellOf(v), change });
    if (dwellOf(v) === 45) throw new Error('camera till would not start');
  };
  const etag = store.etag;
  await expect(store.change(dwell(45), etag, false, apply)).rejects.toMatchObject({
    code: 'VIGIL_ERR_CONFIG_APPLY',
    message: expect.stringContaining('previous config was restored'),
  });
  expect(readFileSync(file, 'utf8')).toBe(SITE);
  expect(store.etag).toBe(etag);
  expect(calls).toEqual([
    { dwell: 45, change: { cameras: [{ id: 'till', change: 'zones' }], restartRequired: [] } },
    { dwell: 30, change: { cameras: [{ id: 'till', change: 'zones' }], restartRequired: [] } },
  ]);
  // The failed change is not a version to roll back to, and the next change goes through.
  await expect(store.rollback(etag, apply)).rejects.toMatchObject({ code: 'VIGIL_ERR_NOT_FOUND' });
  await store.change(dwell(50), etag, false, apply);
  expect(dwellOf(store.latest)).toBe(50);
});

test.each([
  [
    'a token added to api.tokens',
    { api: { tokens: [{ name: 'x', role: 'viewer', sha256: 'a'.repeat(64) }] } },
    [],
  ],
  ['the API port', { api: { port: 9999 } }, ['api']],
  ['the alert timings', { alerts: { updateIntervalSeconds: 60 } }, ['alerts']],
])('the change report: %s', async (_what, patch, restartRequired) => {
  const file = site();
  const store = new ConfigStore(file, {});
  const r = await store.change((cur) => ({ ...cur.raw, ...patch }), store.etag, true);
  expect(r.change).toEqual({ cameras: [], restartRequired });
});
