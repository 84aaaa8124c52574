import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import mqtt from 'mqtt';
import type { CameraConfig, Config } from '../config/schema';
import { isNetworkUrl } from '../camera/ffmpeg-args';
import { resolveFfmpeg } from '../camera/ffmpeg-binary';
import { redactUrl } from '../core/logger';
import type { Logger } from '../core/logger';
import { loadPoseEstimator, modelCacheDir } from '../pose/load-estimator';
import { modelDir, readManifest, readVerifiedModel } from '../pose/model-files';
import { error, ok } from './check';
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
  const t0 = performance.now();
  await estimator.estimate(frame);
  const ms = Math.round(performance.now() - t0);
  await estimator.dispose();
  const skipped = backend.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  return ok(
    'inference',
    `${backend.name}, one ${config.inference.strategy} inference on ${cam.width}x${cam.height} took ${ms} ms${skipped ? ` (skipped ${skipped})` : ''}`,
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
    for (const l of listeners)
      if (!(await portFree(l.host, l.port)))
        return error(
          'mqtt broker',
          `${l.host}:${l.port} is already in use`,
          `stop what listens there or set ${l.key}`,
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
export async function checkCamera(cam: CameraConfig, timeoutS = 10): Promise<CheckResult> {
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
  if (code === 0) return ok(name, `${redactUrl(url)}: decoded a frame`);
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
