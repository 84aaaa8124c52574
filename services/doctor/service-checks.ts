import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import mqtt from 'mqtt';
import type { CameraConfig, Config } from '../config/schema';
import { isNetworkUrl, parseSourceInfo } from '../camera/ffmpeg-args';
import { resolveFfmpeg } from '../camera/ffmpeg-binary';
import { redactUrl } from '../core/logger';
import type { Logger } from '../core/logger';
import { loadPoseEstimator, modelCacheDir } from '../pose/load-estimator';
import { autoWorkers } from '../pose/start-estimator';
import { modelDir, readManifest, readVerifiedModel } from '../pose/model-files';
import { error, ok, warning } from './check';
import type { CheckResult } from './check';

export function checkModelFiles(config: Config): CheckResult {
  const entry = readManifest()['movenet-multipose']!;
  const dir = modelDir(entry, config.inference.modelDir);
  readVerifiedModel(entry, dir);
  return ok(
    'model files',
    `movenet-multipose: ${Object.keys(entry.files).length} files match models/manifest.json (${dir})`,
  );
}

/** Loads the backend that will run and times one inference on a frame of the first camera's size. */
export async function checkInference(config: Config, log: Logger): Promise<CheckResult> {
  const { estimator, backend } = await loadPoseEstimator(
    config.inference,
    log,
    modelCacheDir(config.dataDir),
  );
  const cam = config.cameras[0]!.analysis;
  const frame = {
    width: cam.width,
    height: cam.height,
    rgb: new Uint8Array(cam.width * cam.height * 3),
  };
  // The first run warms up (allocations, ORT's first session run); the next three are timed.
  await estimator.estimate(frame);
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await estimator.estimate(frame);
    times.push(performance.now() - t0);
  }
  const ms = Math.round(times.sort((a, b) => a - b)[1]!);
  await estimator.dispose();
  const skipped = backend.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  const detail = `${backend.name}, one ${config.inference.strategy} inference on ${cam.width}x${cam.height} takes ${ms} ms (median of 3)${skipped ? ` (skipped ${skipped})` : ''}`;
  return inferenceVerdict(detail, ms, config);
}

/**
 * One camera needs an inference every 1/minModelFps s (with `workers` running side by side):
 * slower than that, the camera will be degraded whatever else the box does.
 */
export function inferenceVerdict(detail: string, ms: number, config: Config): CheckResult {
  const inf = config.inference;
  const n = inf.workers === 'auto' ? autoWorkers(inf, config.cameras.length) : inf.workers;
  const workers = Math.max(1, n);
  const budgetMs = (1000 * workers) / inf.minModelFps;
  if (ms <= budgetMs) return ok('inference', detail);
  return warning(
    'inference',
    `${detail}: too slow for inference.minModelFps ${inf.minModelFps} (${Math.round(budgetMs)} ms per frame with ${workers} worker(s)); cameras will be degraded`,
    'a cheaper profile (inference.inputWidth/inputHeight, strategy full), a GPU backend, or fewer cameras per box',
  );
}

/** Whether a Vigil daemon answers /healthz at host:port (then it holds its own ports). */
async function daemonAnswers(host: string, port: number): Promise<boolean> {
  try {
    const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    const r = await fetch(`http://${h.includes(':') ? `[${h}]` : h}:${port}/healthz`, {
      signal: AbortSignal.timeout(2000),
    });
    const body = (await r.json()) as { status?: string; version?: string };
    return r.ok && body.status === 'ok' && typeof body.version === 'string';
  } catch {
    return false;
  }
}

/** The API's port is free, or this config's daemon already runs there. */
export async function checkApi(config: Config): Promise<CheckResult> {
  const a = config.api;
  if (!a.enabled) return ok('api', 'disabled (api.enabled: false)');
  if (await portFree(a.host, a.port)) return ok('api', `will listen on ${a.host}:${a.port}`);
  if (await daemonAnswers(a.host, a.port))
    return ok('api', `the daemon is running and answers on ${a.host}:${a.port}`);
  return error(
    'api',
    `${a.host}:${a.port} is in use by something that is not Vigil`,
    'stop what listens there or set api.port',
  );
}

function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/** The embedded broker's port must be free; an external broker must accept our login. */
export async function checkBroker(config: Config, timeoutMs = 5000): Promise<CheckResult> {
  const m = config.mqtt;
  if (m.url === '' || m.url === 'embedded') {
    // With TLS the plain listener is on loopback and TLS on embeddedHost (embedded-broker.ts).
    const listeners = m.embeddedCertFile
      ? [
          { host: '127.0.0.1', port: m.embeddedPort, key: 'mqtt.embeddedPort' },
          { host: m.embeddedHost, port: m.embeddedTlsPort, key: 'mqtt.embeddedTlsPort' },
        ]
      : [{ host: m.embeddedHost, port: m.embeddedPort, key: 'mqtt.embeddedPort' }];
    const running = config.api.enabled && (await daemonAnswers(config.api.host, config.api.port));
    for (const l of listeners)
      if (!(await portFree(l.host, l.port)) && !running)
        return error(
          'mqtt broker',
          `${l.host}:${l.port} is already in use`,
          `stop what listens there or set ${l.key}`,
        );
    if (running)
      return ok(
        'mqtt broker',
        `the daemon is running (its API answers) and holds its embedded broker on ${listeners.map((l) => `${l.host}:${l.port}`).join(' and ')}`,
      );
    return ok(
      'mqtt broker',
      `embedded broker will listen on ${listeners.map((l) => `${l.host}:${l.port}`).join(' and TLS on ')}`,
    );
  }
  const client = mqtt.connect(m.url, {
    clientId: `${m.clientId}-doctor-${process.pid}`,
    username: m.username || undefined,
    password: m.password || undefined,
    reconnectPeriod: 0,
    connectTimeout: timeoutMs,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
      client.once('close', () => reject(new Error('connection closed')));
    });
    return ok(
      'mqtt broker',
      `connected to ${redactUrl(m.url)}${m.username ? ` as ${m.username}` : ''}`,
    );
  } catch (err) {
    const msg = (err as Error).message;
    const auth = /not authori[sz]ed|bad user ?name or password|code 4|code 5/i.test(msg);
    return auth
      ? error(
          'mqtt broker',
          `${redactUrl(m.url)} refused the login: ${msg}`,
          'check mqtt.username and VIGIL_MQTT_PASSWORD against the broker',
        )
      : error(
          'mqtt broker',
          `${redactUrl(m.url)} unreachable: ${msg}`,
          'check mqtt.url, the broker and the firewall',
        );
  } finally {
    client.end(true);
  }
}

/** Opens each camera with ffmpeg and decodes one frame (RTSP DESCRIBE, auth and codec included). */
/**
 * Whether a camera's event clips will work: a copied stream must be H.264 or HEVC (an MP4 a
 * browser plays), an encoded one needs ffmpeg's libx264.
 */
export function checkClips(
  cam: CameraConfig,
  codec: string | undefined,
  hasLibx264: boolean,
): CheckResult {
  const name = `clips ${cam.id}`;
  if (!cam.clips.enabled) return ok(name, 'off (cameras[].clips.enabled: false)');
  if (cam.clips.codec === 'h264')
    return hasLibx264
      ? ok(name, 're-encoded to H.264 with libx264 (costs CPU; see npm run bench:clips)')
      : error(
          name,
          'clips.codec is h264 but this ffmpeg has no libx264',
          'install a full ffmpeg (Debian: apt-get install ffmpeg)',
        );
  if (codec === undefined)
    return warning(
      name,
      'the stream codec is unknown (camera not read)',
      'run the doctor again once the camera answers',
    );
  if (['h264', 'hevc'].includes(codec)) return ok(name, `${codec} copied as is (nearly free)`);
  return warning(
    name,
    `the stream is ${codec}: copied, it makes no MP4 a browser plays, so no clips`,
    `set cameras[].clips.codec: h264 for camera ${cam.id} (re-encodes; costs CPU)`,
  );
}

export async function checkCamera(
  cam: CameraConfig,
  timeoutS = 10,
  onCodec?: (codec: string | undefined) => void,
): Promise<CheckResult> {
  const name = `camera ${cam.id}`;
  const url = cam.source.url;
  if (!isNetworkUrl(url) && !existsSync(url))
    return error(name, `file ${url} does not exist`, 'fix cameras[].source.url');
  const args = ['-hide_banner', '-nostdin'];
  if (/^rtsps?:/i.test(url))
    args.push(
      '-rtsp_transport',
      cam.source.rtspTransport,
      '-timeout',
      String(timeoutS * 1_000_000),
    );
  args.push('-i', url, '-frames:v', '1', '-f', 'null', '-');
  const { code, stderr } = await run(resolveFfmpeg().path, args, (timeoutS + 5) * 1000);
  const last = redactUrl(stderr.trim().split('\n').slice(-1)[0] ?? '');
  const info = stderr.split('\n').map(parseSourceInfo).find(Boolean);
  onCodec?.(info?.codec);
  if (code === 0)
    return ok(
      name,
      `${redactUrl(url)}: decoded a frame${info ? ` (${info.codec} ${info.width}x${info.height})` : ''}`,
    );
  if (/401|unauthori[sz]ed/i.test(stderr))
    return error(
      name,
      `${redactUrl(url)}: authentication failed (${last})`,
      'check the camera user and password in the URL',
    );
  return error(
    name,
    `${redactUrl(url)}: unreachable or unreadable (${last || `exit ${code}`})`,
    'check the address, port and path, and that the camera is on',
  );
}

function run(
  cmd: string,
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}
