import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import mqtt from 'mqtt';
import { freePort } from './ports';
import { requireComponent } from './require-component';
import { tempDir } from './media';
import { waitFor } from './wait';

export const MOSQUITTO = '/usr/sbin/mosquitto';
export const hasMosquitto = () => existsSync(MOSQUITTO);

/**
 * For tests that need real mosquitto: true when it is here. Without it, says which test is
 * skipped and why, and in CI (where .ci/run installs it) fails instead of skipping.
 */
export function requireMosquitto(what: string): boolean {
  return requireComponent(
    what,
    hasMosquitto() ? undefined : MOSQUITTO,
    'apt-get install mosquitto',
  );
}

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
/**
 * `users` is either logins to hash with mosquitto_passwd, or Vigil's generated files: a
 * password_file's text, an acl_file's text, and one login to probe readiness with.
 */
export type MosquittoUsers =
  | Record<string, string>
  | { passwordFile: string; aclFile: string; probe: { username: string; password: string } };

export async function startMosquitto(
  users?: MosquittoUsers,
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
  let probe: { username: string; password: string } | undefined;
  if (users) {
    const pw = path.join(dir, 'passwd');
    if ('passwordFile' in users && typeof users.passwordFile === 'string') {
      const files = users as Extract<MosquittoUsers, { passwordFile: string }>;
      writeFileSync(pw, files.passwordFile);
      const acl = path.join(dir, 'acl');
      writeFileSync(acl, files.aclFile);
      chmodSync(acl, 0o644);
      conf.push(`acl_file ${acl}`);
      probe = files.probe;
    } else {
      const logins = users as Record<string, string>;
      writeFileSync(pw, '');
      for (const [u, p] of Object.entries(logins))
        execFileSync('mosquitto_passwd', ['-b', pw, u, p]);
      const [username, password] = Object.entries(logins)[0]!;
      probe = { username, password };
    }
    // mosquitto started as root drops to its own user, which must be able to read the files.
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
          ...probe,
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
