import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { buildApi } from '../../../services/api/server';
import { ENV_OVERRIDE_NAMES, loadConfigFile, parseConfig } from '../../../services/config/load';
import { PROVIDER_LIBRARY, missingProvider } from '../../../services/pose/engines/onnx-engine';
import { isSharedDevice } from '../../../services/pose/engines/pose-engine';
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

interface Stage {
  name: string;
  from: string;
  ins: { op: string; args: string }[];
}

/** A Dockerfile's stages (name, base, own instructions) and the ARGs before its first FROM. */
function stagesOf(file: string): { globals: Map<string, string>; stages: Stage[] } {
  const globals = new Map<string, string>();
  const stages: Stage[] = [];
  for (const i of instructions(file)) {
    if (i.op === 'FROM') {
      const [from, , name] = i.args.split(/\s+/);
      stages.push({ name: name ?? `#${stages.length}`, from: from!, ins: [] });
    } else if (stages.length > 0) stages[stages.length - 1]!.ins.push(i);
    else if (i.op === 'ARG') {
      const [k, v] = i.args.split('=');
      globals.set(k!, v ?? '');
    }
  }
  return { globals, stages };
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

describe('docker/Dockerfile.jetson: a GPU engine by default, the CPU path kept', () => {
  const { globals, stages } = stagesOf('docker/Dockerfile.jetson');
  const stage = (name: string) => stages.find((s) => s.name === name)!;
  const runs = (name: string) =>
    stage(name)
      .ins.filter((i) => i.op === 'RUN')
      .map((i) => i.args);
  const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
  const ORT_DIR = 'node_modules/onnxruntime-node/bin/napi-v6/linux/arm64/';

  test('ENGINE picks TensorRT by default; each engine has its ORT stage and forces its backend', () => {
    expect(globals.get('ENGINE')).toBe('tensorrt');
    // ORT 1.30 needs CUDA 12, cuDNN 9, TensorRT 10: JetPack 6.1 (L4T r36.4) or later.
    const l4t = /^nvcr\.io\/nvidia\/l4t-jetpack:r36\.(\d+)\.\d+$/.exec(globals.get('L4T_BASE')!);
    expect(Number(l4t?.[1])).toBeGreaterThanOrEqual(4);
    expect(stage('ort').from).toBe('ort-${ENGINE}');
    expect(stages[stages.length - 1]!.from).toBe('runtime-${ENGINE}');
    const backends: Record<string, string> = {};
    for (const engine of ['tensorrt', 'cuda', 'cpu']) {
      expect(stage(`runtime-${engine}`).from).toBe('runtime');
      const env = stage(`runtime-${engine}`).ins.find((i) => i.op === 'ENV')!.args;
      const value = /^VIGIL_INFERENCE_BACKEND=(\S+)$/.exec(env)![1]!;
      // The daemon reads the variable, and the value is a backend its schema accepts.
      const cfg = parseConfig(
        { cameras: [{ id: 'c', source: { url: 'rtsp://10.0.0.9/s' } }] },
        { env: { VIGIL_INFERENCE_BACKEND: value } },
      );
      backends[engine] = cfg.inference.backend;
    }
    expect(backends).toEqual({ tensorrt: 'onnx-tensorrt', cuda: 'onnx-cuda', cpu: 'onnx' });
    expect(isSharedDevice(backends.tensorrt!) && isSharedDevice(backends.cuda!)).toBe(true);
    // The GPU engines build ONNX Runtime; cpu builds nothing and keeps npm's arm64 build.
    expect([stage('ort-tensorrt').from, stage('ort-cuda').from]).toEqual([
      'ort-build',
      'ort-build',
    ]);
    expect(stage('ort-cpu').from).toBe('${L4T_BASE}');
    expect(runs('ort-cpu')).toEqual(['mkdir /ort-node']);
    // The final stage runs as the image's own user, not root.
    const last = stages[stages.length - 1]!.ins;
    expect(last.filter((i) => i.op === 'USER').map((i) => i.args)).toEqual(['vigil']);
    expect(runs('runtime').join(' ')).toMatch(/useradd --system --uid 10001 --home \/app vigil/);
  });

  test("ort-build: package.json's ORT version from source, CUDA and TensorRT providers, Orin's arch", () => {
    expect(globals.get('ORT_VERSION')).toBe(pkg.dependencies['onnxruntime-node']);
    const args = stage('ort-build')
      .ins.filter((i) => i.op === 'ARG')
      .map((i) => i.args);
    expect(args).toEqual(expect.arrayContaining(['ENGINE', 'ORT_VERSION', 'CUDA_ARCHS=87']));
    const run = runs('ort-build');
    expect(run.join('\n')).toMatch(
      /git clone .*--branch "v\$\{ORT_VERSION\}" .*https:\/\/github\.com\/microsoft\/onnxruntime\.git \/ort/,
    );
    // A base without CUDA 12 (JetPack 5) or, for tensorrt, TensorRT 10 stops before the build.
    expect(run.join('\n')).toMatch(/nvcc --version \| grep -q 'release 12\\\.'/);
    expect(run.join('\n')).toMatch(
      /"\$ENGINE" = "tensorrt" \] && \[ ! -e \S+libnvinfer\.so\.10 \]/,
    );
    const ort = run.find((r) => r.includes('./build.sh'))!;
    for (const flag of [
      '--config Release',
      '--build_shared_lib',
      '--skip_tests',
      '--use_cuda --cuda_home /usr/local/cuda --cudnn_home /usr/lib/aarch64-linux-gnu ${TRT}',
      '"CMAKE_CUDA_ARCHITECTURES=${CUDA_ARCHS}"',
    ])
      expect([flag, ort.includes(flag)]).toEqual([flag, true]);
    expect(ort).toMatch(
      /if \[ "\$ENGINE" = "tensorrt" \]; then TRT="--use_tensorrt --tensorrt_home \S+"; fi/,
    );
    // The binding is compiled with the same providers (npm's arm64 one rejects cuda/tensorrt), by
    // the build script of the same release: the npm package's copy takes these flags.
    const binding = run.find((r) => r.includes('npm run build'))!;
    expect(binding).toMatch(/if \[ "\$ENGINE" = "tensorrt" \]; then TRT="--use_tensorrt"; fi/);
    expect(binding).toMatch(
      /npm run build -- --onnxruntime-build-dir=\/ort\/build\/Linux\/Release --config=Release --arch=arm64 --use_cuda \$\{TRT\}$/,
    );
    const script = read('node_modules/onnxruntime-node/script/build.ts');
    for (const flag of ['onnxruntime-build-dir', 'use_cuda', 'use_tensorrt'])
      expect([
        flag,
        script.includes(`buildArgs['${flag}']`) || script.includes(`buildArgs.${flag}`),
      ]).toEqual([flag, true]);
  });

  test("the binding, its runtime and the providers replace npm's arm64 build where the daemon loads it", () => {
    const collect = runs('ort-build').find((r) => r.startsWith('mkdir /ort-node'))!;
    const placed = [...collect.matchAll(/([\w.]+\.(?:node|so(?:\.1)?)) /g)].map((m) =>
      path.basename(m[1]!),
    );
    // Every file npm's arm64 folder holds is replaced (none left from the CPU build) ...
    for (const f of readdirSync(path.join(REPO, ORT_DIR))) expect(placed).toContain(f);
    // ... and the provider libraries the daemon checks for before asking ONNX Runtime are there.
    expect(placed).toEqual(expect.arrayContaining(Object.values(PROVIDER_LIBRARY)));
    expect(placed).toContain('libonnxruntime_providers_shared.so');
    // Without them (npm's arm64 build, ENGINE=cpu) the daemon's reason points at this file.
    expect(missingProvider('onnx-tensorrt', 'arm64')).toBe(
      'libonnxruntime_providers_tensorrt.so is not installed (on a Jetson, build docker/Dockerfile.jetson with ENGINE=tensorrt or cuda)',
    );
    expect(collect).toMatch(
      /if \[ "\$ENGINE" = "tensorrt" \]; then \s*cp \S+providers_tensorrt\.so/,
    );
    // onnxruntime-node loads its binding from bin/napi-v6/<platform>/<arch>.
    expect(read('node_modules/onnxruntime-node/dist/binding.js')).toContain(
      '../bin/napi-v6/${process.platform}/${process.arch}/onnxruntime_binding.node',
    );
    const build = stage('build');
    expect(build.ins.map((i) => i.args)).toContain('--from=ort /ort-node/ /tmp/ort-node/');
    const place = runs('build').find((r) => r.includes('/tmp/ort-node'))!;
    expect(place).toContain(`cp /tmp/ort-node/* ${ORT_DIR}`);
    // Only over the same version, and the replaced binding must load (no GPU needed for that).
    expect(place).toMatch(
      /test "\$\(node -p "require\('onnxruntime-node\/package\.json'\)\.version"\)" = "\$ORT_VERSION"/,
    );
    expect(place).toMatch(/node -e "require\('onnxruntime-node'\)"/);
    expect(runs('build').join('\n')).toMatch(
      /npm prune --omit=dev && rm -rf node_modules\/@tensorflow\/tfjs-node-gpu/,
    );
    // The header says what was checked and that the image was never built or run.
    expect(read('docker/Dockerfile.jetson')).toMatch(
      /Not verified: it has never been built or run/,
    );
  });
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
