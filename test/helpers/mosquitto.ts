import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import mqtt from 'mqtt';
import { freePort } from './ports';
import { tempDir } from './media';
import { waitFor } from './wait';

export const MOSQUITTO = '/usr/sbin/mosquitto';
export const hasMosquitto = () => existsSync(MOSQUITTO);

export interface Mosquitto {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** A real mosquitto on loopback; with `users`, only those logins are accepted. */
/**
 * With `persistDir`, sessions and queued QoS 1 messages survive a restart of the broker (as on a
 * real site), so a subscriber with a persistent session misses nothing while it reconnects.
 */
export async function startMosquitto(
  users?: Record<string, string>,
  fixedPort?: number,
  persistDir?: string,
): Promise<Mosquitto> {
  const port = fixedPort ?? (await freePort());
  const dir = tempDir('vigil-mosq-');
  const conf = [`listener ${port} 127.0.0.1`];
  if (persistDir) {
    chmodSync(persistDir, 0o777);
    conf.push('persistence true', `persistence_location ${persistDir}/`);
  } else conf.push('persistence false');
  if (users) {
    const pw = path.join(dir, 'passwd');
    writeFileSync(pw, '');
    for (const [u, p] of Object.entries(users)) execFileSync('mosquitto_passwd', ['-b', pw, u, p]);
    // mosquitto started as root drops to its own user, which must be able to read the file.
    chmodSync(dir, 0o755);
    chmodSync(pw, 0o644);
    conf.push('allow_anonymous false', `password_file ${pw}`);
  } else conf.push('allow_anonymous true');
  writeFileSync(path.join(dir, 'm.conf'), `${conf.join('\n')}\n`);
  const proc = spawn(MOSQUITTO, ['-c', path.join(dir, 'm.conf')], { stdio: 'ignore' });
  const url = `mqtt://127.0.0.1:${port}`;
  await waitFor(
    'mosquitto to listen',
    () =>
      new Promise<boolean>((resolve) => {
        const c = mqtt.connect(url, {
          reconnectPeriod: 0,
          connectTimeout: 1000,
          ...(users ? { username: Object.keys(users)[0], password: Object.values(users)[0] } : {}),
        });
        c.once('connect', () => {
          c.end(true);
          resolve(true);
        });
        const fail = () => {
          c.end(true);
          resolve(false);
        };
        c.once('error', fail);
        c.once('close', fail);
      }),
    10_000,
    100,
  );
  return {
    url,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}
