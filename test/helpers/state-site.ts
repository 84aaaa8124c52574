import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import type { AlertPayload } from '../../services/alerts/payload-schemas';
import { sha256Hex } from '../../services/core/hashing';
import { TEST_CLERK, TEST_CLERK_USER } from './broker';
import { startDaemon } from './daemon';
import type { Daemon } from './daemon';
import { recordMqtt } from './mqtt-recorder';
import type { Received } from './mqtt-recorder';
import { freePort } from './ports';
import { siteConfig } from './site';
import { waitFor } from './wait';

const TOKEN = 'state-files-admin';

/**
 * The built daemon on the PETS site (embedded broker, API with an admin token), alerting as often
 * as it can (no cooldowns) and without event clips: what the state-file and full-disk tests run.
 * `prepare` gets the data folder before the daemon starts (corrupt files, a tmpfs).
 */
export async function startStateSite(dir: string, prepare: (dataDir: string) => void = () => {}) {
  const [mqttPort, apiPort] = [await freePort(), await freePort()];
  const { file, dataDir } = siteConfig(
    dir,
    { url: 'embedded', embeddedPort: mqttPort, users: [TEST_CLERK_USER] },
    { port: apiPort, tokens: [{ name: 'tester', role: 'admin', sha256: sha256Hex(TOKEN) }] },
  );
  const config = parse(readFileSync(file, 'utf8')) as {
    alerts?: object;
    cameras: { clips?: object }[];
  };
  config.alerts = { zoneCooldownSeconds: 0, personCooldownSeconds: 0 };
  config.cameras[0]!.clips = { enabled: false };
  writeFileSync(file, stringify(config));
  mkdirSync(dataDir, { recursive: true });
  prepare(dataDir);
  const daemon = startDaemon(['--config', file]);
  const url = `mqtt://127.0.0.1:${mqttPort}`;
  const rec = await waitFor(
    'the embedded broker',
    async () => {
      if (daemon.proc.exitCode !== null)
        throw new Error(`daemon exited ${daemon.proc.exitCode}: ${daemon.stderr()}`);
      return recordMqtt(url, 'vigil/#', undefined, TEST_CLERK).catch(() => undefined);
    },
    90_000,
    250,
  );
  const api = (route: string) =>
    fetch(`http://127.0.0.1:${apiPort}${route}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
  return {
    daemon,
    dataDir,
    rec,
    api,
    /** Alert starts received so far, after `sinceIndex` messages. */
    starts: (sinceIndex = 0) => startsOf(rec.messages.slice(sinceIndex)),
    async stop(): Promise<void> {
      await rec.client.endAsync(true);
      if (daemon.proc.exitCode === null) {
        daemon.proc.kill('SIGKILL');
        await daemon.exited;
      }
    },
  };
}

export function startsOf(msgs: Received[]): AlertPayload[] {
  return msgs
    .filter((m) => m.topic === 'vigil/square/alerts')
    .map((m) => JSON.parse(m.payload.toString()) as AlertPayload)
    .filter((a) => a.type === 'start');
}

/** Waits for the daemon to answer, failing at once (with its stderr) if it died. */
export async function alive(d: Daemon, health: () => Promise<Response>): Promise<void> {
  if (d.proc.exitCode !== null) throw new Error(`daemon exited ${d.proc.exitCode}: ${d.stderr()}`);
  expect((await health()).status).toBe(200);
}
