import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfigFile, parseConfig } from '../../../services/config/load';
import { VigilError } from '../../../services/core/errors';

const repo = path.resolve(__dirname, '../../..');
const minimal = { cameras: [{ id: 'cam1', source: { url: 'rtsp://10.0.0.9/stream' } }] };

function problemsOf(raw: unknown): { code: string; lines: string[] } {
  try {
    parseConfig(raw);
  } catch (err) {
    if (!(err instanceof VigilError)) throw err;
    return { code: err.code, lines: err.details.map((d) => `${d.path}: ${d.message}`) };
  }
  throw new Error('expected the config to be rejected');
}

describe('config loading', () => {
  test('the demo config loads, with defaults filled and paths resolved against the file', () => {
    const cfg = loadConfigFile(path.join(repo, 'config/demo.yaml'));
    expect(cfg.cameras[0]!.source.url).toBe(path.join(repo, 'data/samples/vtest.avi'));
    expect(cfg.inference.backend).toBe('auto');
    expect(cfg.tracking.minHits).toBe(2);
    expect(cfg.cameras[0]!.zones[0]!.loitering.enabled).toBe(true);
    expect(Object.isFrozen(cfg.cameras[0]!.zones[0]!.polygon)).toBe(true);
  });

  test('the default config loads', () => {
    expect(loadConfigFile(path.join(repo, 'config/default.yaml')).cameras.length).toBeGreaterThan(
      0,
    );
  });

  test('every problem is listed with its path, under one stable code', () => {
    const { code, lines } = problemsOf({
      logLevel: 'loud',
      mqtt: { port: 1883 },
      inference: { inputWidth: 100, minPersonScore: 2 },
      cameras: [
        { id: 'Bad Id', source: {}, extra: true },
        {
          id: 'cam2',
          source: { url: 'rtsp://x/y' },
          analysis: { fps: 0 },
          zones: [
            {
              id: 'z',
              polygon: [
                [0, 0],
                [1.5, 0],
              ],
              kind: 'aisle',
            },
          ],
        },
      ],
    });
    expect(code).toBe('VIGIL_ERR_CONFIG_INVALID');
    const expected = [
      /^\/logLevel: must be one of "fatal"/,
      /^\/mqtt\/port: unknown key/,
      /^\/inference\/inputWidth: .*multiple of 32/,
      /^\/inference\/minPersonScore: .*less or equal to 1/,
      /^\/cameras\/0\/id: .*match/,
      /^\/cameras\/0\/source\/url: expected required property/,
      /^\/cameras\/0\/extra: unknown key/,
      /^\/cameras\/1\/analysis\/fps: .*greater than 0/,
      /^\/cameras\/1\/zones\/0\/kind: must be one of/,
      /^\/cameras\/1\/zones\/0\/polygon: .*greater or equal to 3/,
      /^\/cameras\/1\/zones\/0\/polygon\/1\/0: .*less or equal to 1/,
    ];
    for (const re of expected) expect(lines.some((l) => re.test(l))).toBe(true);
  });

  test.each([
    [
      'duplicate camera ids',
      { cameras: [minimal.cameras[0], minimal.cameras[0]] },
      /\/cameras\/1\/id: duplicate camera id/,
    ],
    [
      'a self-crossing polygon',
      {
        cameras: [
          {
            ...minimal.cameras[0],
            zones: [
              {
                id: 'z',
                polygon: [
                  [0, 0],
                  [1, 1],
                  [1, 0.2],
                  [0, 0.9],
                ],
              },
            ],
          },
        ],
      },
      /\/cameras\/0\/zones\/0\/polygon: edges 0 and 2 cross/,
    ],
    [
      'a polygon without area',
      {
        cameras: [
          {
            ...minimal.cameras[0],
            zones: [
              {
                id: 'z',
                polygon: [
                  [0, 0],
                  [0.5, 0.5],
                  [1, 1],
                ],
              },
            ],
          },
        ],
      },
      /encloses no area/,
    ],
    [
      'an http camera',
      { cameras: [{ id: 'c', source: { url: 'http://x/y.mjpg' } }] },
      /unsupported scheme "http"/,
    ],
    ['a bad broker URL', { ...minimal, mqtt: { url: 'localhost:1883' } }, /\/mqtt\/url: must be/],
    ['no cameras', { cameras: [] }, /\/cameras: .*greater or equal to 1/],
  ])('cross-field check: %s', (_name, raw, re) => {
    expect(problemsOf(raw).lines.some((l) => re.test(l))).toBe(true);
  });

  test('environment variables override the file (secrets stay out of YAML)', () => {
    const cfg = parseConfig(minimal, {
      env: { VIGIL_MQTT_PASSWORD: 's3cret', VIGIL_API_PORT: '9090' },
    });
    expect(cfg.mqtt.password).toBe('s3cret');
    expect(cfg.api.port).toBe(9090);
  });

  test('VIGIL_INFERENCE_BACKEND picks the backend over the file, and a wrong name is refused', () => {
    const raw = { ...minimal, inference: { backend: 'wasm' } };
    expect(parseConfig(raw).inference.backend).toBe('wasm');
    const env = { VIGIL_INFERENCE_BACKEND: 'onnx-tensorrt' };
    expect(parseConfig(raw, { env }).inference.backend).toBe('onnx-tensorrt');
    expect(parseConfig(minimal, { env }).inference.backend).toBe('onnx-tensorrt');
    expect(() => parseConfig(minimal, { env: { VIGIL_INFERENCE_BACKEND: 'gpu' } })).toThrow(
      expect.objectContaining({
        code: 'VIGIL_ERR_CONFIG_INVALID',
        details: expect.arrayContaining([
          expect.objectContaining({ path: '/inference/backend' }),
        ]) as unknown,
      }),
    );
  });

  test('a secret can come from a file named by VAR_FILE (container secrets)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-secret-'));
    writeFileSync(path.join(dir, 'pw'), 'from-a-file\n');
    expect(
      parseConfig(minimal, { env: { VIGIL_MQTT_PASSWORD_FILE: path.join(dir, 'pw') } }).mqtt
        .password,
    ).toBe('from-a-file');
    expect(() =>
      parseConfig(minimal, { env: { VIGIL_MQTT_PASSWORD_FILE: path.join(dir, 'none') } }),
    ).toThrow(expect.objectContaining({ code: 'VIGIL_ERR_CONFIG_READ' }));
  });

  test('invalid YAML and a missing file get VIGIL_ERR_CONFIG_READ', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-cfg-'));
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'cameras: [\n  - id: a\n    id: b\n');
    expect(() => loadConfigFile(bad)).toThrow(
      expect.objectContaining({ code: 'VIGIL_ERR_CONFIG_READ' }),
    );
    expect(() => loadConfigFile(path.join(dir, 'none.yaml'))).toThrow(
      expect.objectContaining({ code: 'VIGIL_ERR_CONFIG_READ' }),
    );
  });
});

describe('configs that validate but cannot work are refused', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-cfg-'));
  const withSource = (source: Record<string, unknown>) => ({
    cameras: [{ id: 'cam1', source }],
  });
  const refuse = (raw: unknown, baseDir?: string) => {
    try {
      parseConfig(raw, { baseDir });
    } catch (err) {
      if (err instanceof VigilError) return err.details.map((d) => `${d.path}: ${d.message}`);
      throw err;
    }
    return [];
  };
  test.each([
    [{ url: 'rtsp://' }, '/cameras/0/source/url: names no host'],
    [{ url: 'rtsp://user:pw@[::1' }, '/cameras/0/source/url: is not a valid URL'],
    [
      { url: 'rtsp://10.0.0.9/s', snapshotUrl: 'ftp://10.0.0.9/snap.jpg' },
      '/cameras/0/source/snapshotUrl: must be an http://',
    ],
    [
      { url: 'rtsp://10.0.0.9/s', snapshotUrl: 'http://' },
      '/cameras/0/source/snapshotUrl: is not a valid URL',
    ],
  ])('%j', (source, problem) => {
    expect(refuse(withSource(source))).toEqual([expect.stringContaining(problem)]);
  });
  test('a source file that does not exist, next to the config file', () => {
    expect(refuse(withSource({ url: 'missing.avi' }), dir)).toEqual([
      `/cameras/0/source/url: no file ${path.join(dir, 'missing.avi')}`,
    ]);
    writeFileSync(path.join(dir, 'there.avi'), '');
    expect(refuse(withSource({ url: 'there.avi' }), dir)).toEqual([]);
  });
  test("the embedded broker's TLS: certificate and key together, files present, a port of its own", () => {
    expect(
      refuse(
        { ...withSource({ url: 'rtsp://10.0.0.9/s' }), mqtt: { embeddedCertFile: 'broker.pem' } },
        dir,
      ),
    ).toEqual([
      '/mqtt/embeddedKeyFile: embeddedCertFile and embeddedKeyFile go together',
      `/mqtt/embeddedCertFile: no file ${path.join(dir, 'broker.pem')}`,
    ]);
    writeFileSync(path.join(dir, 'broker.pem'), '');
    writeFileSync(path.join(dir, 'broker.key'), '');
    const tls = { embeddedCertFile: 'broker.pem', embeddedKeyFile: 'broker.key' };
    expect(
      refuse(
        { ...withSource({ url: 'rtsp://10.0.0.9/s' }), mqtt: { ...tls, embeddedTlsPort: 1883 } },
        dir,
      ),
    ).toEqual([
      '/mqtt/embeddedTlsPort: the TLS listener needs a port of its own (embeddedPort is the same)',
    ]);
    expect(
      parseConfig({ ...withSource({ url: 'rtsp://10.0.0.9/s' }), mqtt: tls }, { baseDir: dir }).mqtt
        .embeddedKeyFile,
    ).toBe(path.join(dir, 'broker.key'));
  });
});

describe('camera passwords from the environment', () => {
  const raw = (url: string) => ({ cameras: [{ id: 'till-2', source: { url } }] });
  test('VIGIL_CAMERA_<ID>_PASSWORD (or its _FILE) goes into the URL in memory, escaped', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-sec-'));
    const file = path.join(dir, 'pw');
    writeFileSync(file, 'p@ss:w/rd\n');
    const direct = parseConfig(raw('rtsp://viewer@10.0.0.5/s1'), {
      env: { VIGIL_CAMERA_TILL_2_PASSWORD: 'secret' },
    });
    expect(direct.cameras[0]!.source.url).toBe('rtsp://viewer:secret@10.0.0.5/s1');
    const fromFile = parseConfig(raw('rtsp://viewer@10.0.0.5/s1'), {
      env: { VIGIL_CAMERA_TILL_2_PASSWORD_FILE: file },
    });
    expect(new URL(fromFile.cameras[0]!.source.url).password).toBe(encodeURIComponent('p@ss:w/rd'));
  });
  test('a password for a URL that names no user is refused, naming the variable', () => {
    expect(() =>
      parseConfig(raw('rtsp://10.0.0.5/s1'), { env: { VIGIL_CAMERA_TILL_2_PASSWORD: 'x' } }),
    ).toThrow(
      expect.objectContaining({
        code: 'VIGIL_ERR_CONFIG_INVALID',
        message: expect.stringContaining('VIGIL_CAMERA_TILL_2_PASSWORD'),
      }),
    );
  });
});
