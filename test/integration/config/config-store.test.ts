import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigStore } from '../../../services/config/config-store';
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

test('a zone change keeps the file mode (600), every comment, number formats and the layout of what did not change', () => {
  const file = site(0o600);
  const store = new ConfigStore(file, {});
  const raw = structuredClone(store.latest.raw) as Raw;
  raw.cameras[0]!.zones[0]!.loitering.dwellSeconds = 45;
  store.replace(raw, store.etag, false);
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

test('an edit by hand since the last read changes the ETag: a write based on the old one is 412, the hand edit stays', () => {
  const file = site();
  const store = new ConfigStore(file, {});
  const stale = store.etag;
  const raw = structuredClone(store.latest.raw) as Raw;
  writeFileSync(file, SITE.replace('dwellSeconds: 30', 'dwellSeconds: 60'));
  raw.cameras[0]!.zones[0]!.loitering.dwellSeconds = 45;
  expect(() => store.replace(raw, stale, false)).toThrow(
    expect.objectContaining({ code: 'VIGIL_ERR_PRECONDITION_FAILED' }),
  );
  expect(readFileSync(file, 'utf8')).toContain('dwellSeconds: 60');
  // The API now serves the hand edit and its ETag.
  expect((store.latest.raw as Raw).cameras[0]!.zones[0]!.loitering.dwellSeconds).toBe(60);
  expect(store.etag).not.toBe(stale);
});

test('a file that cannot be written is VIGIL_ERR_CONFIG_WRITE, and nothing changes', () => {
  const file = site(0o644);
  const store = new ConfigStore(file, {});
  // Where the temp file must go stands a folder (root ignores permission bits, not this).
  mkdirSync(`${file}.tmp`);
  const raw = structuredClone(store.latest.raw) as Raw;
  raw.cameras[0]!.zones[0]!.loitering.dwellSeconds = 45;
  expect(() => store.replace(raw, store.etag, false)).toThrow(
    expect.objectContaining({
      code: 'VIGIL_ERR_CONFIG_WRITE',
      message: expect.stringContaining('nothing was changed'),
    }),
  );
  expect(readFileSync(file, 'utf8')).toBe(SITE);
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
