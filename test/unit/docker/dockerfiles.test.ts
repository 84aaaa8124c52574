import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { buildApi } from '../../../services/api/server';
import { ENV_OVERRIDE_NAMES, loadConfigFile } from '../../../services/config/load';
import { testApiContext } from '../../helpers/api-context';
import { captureLogger } from '../../helpers/logger';

const REPO = path.resolve(__dirname, '../../..');
const read = (p: string) => readFileSync(path.join(REPO, p), 'utf8');

/** Instructions of a Dockerfile, continuation lines joined. */
function instructions(file: string): { op: string; args: string }[] {
  return read(file)
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

describe.each(['Dockerfile', 'docker/Dockerfile.jetson'])(
  '%s, checked against the repository',
  (file) => {
    const ins = instructions(file);

    test('every file it copies from the build context exists', () => {
      const copies = ins.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'));
      expect(copies.length).toBeGreaterThan(3);
      for (const c of copies) {
        const parts = c.args.split(/\s+/);
        for (const src of parts.slice(0, -1)) expect(existsSync(path.join(REPO, src))).toBe(true);
      }
    });

    test('it builds dist/ with the same `npm run build` the tests use, and runs its entry point', () => {
      const runs = ins.filter((i) => i.op === 'RUN').map((i) => i.args);
      expect(runs.some((r) => r.includes('npm ci'))).toBe(true);
      expect(runs.some((r) => r.includes('npm run build'))).toBe(true);
      const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
      expect(pkg.scripts.build).toBe('tsc -p tsconfig.build.json && tsc -p console/tsconfig.json');
      // The console's sources reach the build, its static files the image that serves them.
      const copied = ins.filter((i) => i.op === 'COPY').map((i) => i.args);
      expect(copied).toEqual(
        expect.arrayContaining(['console ./console', 'console/static ./console/static']),
      );
      const cmd = JSON.parse(ins.find((i) => i.op === 'CMD')!.args) as string[];
      expect(cmd).toEqual(['node', 'dist/services/main.js']);
      // tsc maps services/main.ts to dist/services/main.js (rootDir '.', outDir 'dist').
      const ts = JSON.parse(read('tsconfig.json')) as {
        compilerOptions: { rootDir: string; outDir: string };
      };
      expect(ts.compilerOptions).toMatchObject({ rootDir: '.', outDir: 'dist' });
      expect(existsSync(path.join(REPO, 'services/main.ts'))).toBe(true);
      expect(JSON.parse(ins.find((i) => i.op === 'ENTRYPOINT')!.args)).toEqual([
        '/usr/bin/tini',
        '--',
      ]);
    });

    test('the health check asks a route the API really serves, and the user is not root', async () => {
      const hc = ins.find((i) => i.op === 'HEALTHCHECK')!.args;
      const route = /127\.0\.0\.1:8080(\/[a-z]+)/.exec(hc)?.[1];
      expect(route).toBe('/healthz');
      const api = buildApi(testApiContext(), captureLogger().log);
      await api.ready();
      expect(api.hasRoute({ method: 'GET', url: route! })).toBe(true);
      await api.close();
      const user = ins.filter((i) => i.op === 'USER').pop()!.args;
      expect(user).not.toMatch(/^(root|0)$/);
      expect(ins.some((i) => i.op === 'VOLUME' && i.args.includes('/data'))).toBe(true);
    });
  },
);

test('the x86 image: ORT CUDA 12 by default, tfjs-node-gpu on CUDA 11.2 as a choice, a CPU variant', () => {
  const text = read('Dockerfile');
  // onnxruntime-node 1.30's CUDA provider: CUDA 12 with cuDNN 9, fetched at build time only.
  expect(text).toMatch(/ARG GPU_BASE=nvidia\/cuda:12\.\d+\.\d+-cudnn-runtime-ubuntu\d+\.\d+/);
  expect(text).toMatch(/FROM \$\{GPU_BASE\} AS base-gpu/);
  expect(text).toMatch(
    /if \[ "\$VARIANT" = "gpu" \]; then export ONNXRUNTIME_NODE_INSTALL=cuda12; fi/,
  );
  // tfjs-node-gpu 4.22's libtensorflow 2.9.1: CUDA 11.2, cuDNN 8.
  expect(text).toMatch(
    /FROM nvidia\/cuda:11\.2\.\d+-cudnn8-runtime-ubuntu\d+\.\d+ AS base-tfjs-gpu/,
  );
  expect(text).toMatch(/FROM debian:bookworm-slim AS base-cpu/);
  expect(text).toMatch(/ARG VARIANT=gpu/);
  // Every other build skips ORT's download through the copied .npmrc.
  expect(read('.npmrc')).toMatch(/^onnxruntime-node-install=skip$/m);
  for (const f of ['Dockerfile', 'docker/Dockerfile.jetson'])
    expect(read(f)).toMatch(/COPY package\.json package-lock\.json \.npmrc \.\//);
  const pkg = JSON.parse(read('package.json')) as { optionalDependencies: Record<string, string> };
  expect(pkg.optionalDependencies['@tensorflow/tfjs-node-gpu']).toBe('4.22.0');
});

test('docker/compose.yml: vigil and a password-protected mosquitto, with files that exist', () => {
  const compose = parse(read('docker/compose.yml')) as {
    services: Record<
      string,
      {
        volumes?: string[];
        environment?: Record<string, string>;
        build?: { context: string; dockerfile: string };
        read_only?: boolean;
      }
    >;
  };
  expect(Object.keys(compose.services).sort()).toEqual(['mosquitto', 'vigil']);
  const vigil = compose.services.vigil!;
  expect(existsSync(path.join(REPO, 'docker', vigil.build!.context, vigil.build!.dockerfile))).toBe(
    true,
  );
  expect(vigil.environment).toMatchObject({
    VIGIL_MQTT_URL: 'mqtt://mosquitto:1883',
    VIGIL_MQTT_USERNAME: 'vigil',
  });
  expect(vigil.environment!.VIGIL_MQTT_PASSWORD).toMatch(/^\$\{VIGIL_MQTT_PASSWORD:\?/);
  expect(vigil.read_only).toBe(true);
  // The site file's folder is mounted writable (the API saves zone changes there, with a temp
  // file beside the file), and owned by the image's user as the header says.
  const site = vigil.volumes!.find((v) => v.endsWith(':/site'))!;
  expect(site).toBe('./site:/site');
  expect(vigil.environment!.VIGIL_CONFIG).toBe('/site/site.yaml');
  // Every variable the compose file sets is one the daemon reads, and together with the example
  // site file they give the login mosquitto expects (the daemon applies them: e2e/daemon-env).
  for (const name of Object.keys(vigil.environment!))
    expect([name, [...ENV_OVERRIDE_NAMES, 'VIGIL_CONFIG'].includes(name)]).toEqual([name, true]);
  const env = { ...vigil.environment, VIGIL_MQTT_PASSWORD: 'from-compose' };
  const config = loadConfigFile(path.join(REPO, 'config/site.example.yaml'), { env });
  expect(config.mqtt).toMatchObject({
    url: 'mqtt://mosquitto:1883',
    username: 'vigil',
    password: 'from-compose',
  });
  expect(read('docker/compose.yml')).toContain('chown -R 10001 docker/site');
  expect(read('Dockerfile')).toMatch(/useradd --system --uid 10001/);
  const confMount = compose.services.mosquitto!.volumes!.find((v) => v.includes('mosquitto.conf'))!;
  expect(existsSync(path.join(REPO, 'docker', confMount.split(':')[0]!))).toBe(true);
  const conf = read('docker/mosquitto.conf');
  expect(conf).toMatch(/^allow_anonymous false$/m);
  expect(conf).toMatch(/^password_file \/mosquitto\/config\/mosquitto\.passwd$/m);
  expect(conf).toMatch(/^listener 1883$/m);
});

test('the example site config is valid', () => {
  const cfg = loadConfigFile(path.join(REPO, 'config/site.example.yaml'));
  expect(cfg.cameras.map((c) => c.id)).toEqual(['entrance', 'aisle-3']);
  expect(cfg.mqtt.url).toBe('mqtt://mosquitto:1883');
});
