import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../../services/core/hashing';
import { EmbeddedBroker } from '../../services/alerts/embedded-broker';
import type { BrokerLogin, BrokerTls } from '../../services/alerts/embedded-broker';
import type { Logger } from '../../services/core/logger';

export interface Login {
  username: string;
  password: string;
}

/** A login of each configured role, with its password (tests only). */
export function makeLogins(): { clerk: Login; viewer: Login; users: BrokerLogin[] } {
  const clerk = { username: 'clerk-ann', password: randomBytes(12).toString('hex') };
  const viewer = { username: 'dashboard', password: randomBytes(12).toString('hex') };
  return {
    clerk,
    viewer,
    users: [
      { name: clerk.username, role: 'clerk', sha256: sha256Hex(clerk.password) },
      { name: viewer.username, role: 'viewer', sha256: sha256Hex(viewer.password) },
    ],
  };
}

/** The embedded broker on a free port, with Vigil's own login and a clerk and a viewer login. */
export async function startEmbeddedBroker(
  log: Logger,
  clientId = 'vigil-test',
  host = '127.0.0.1',
  tls?: BrokerTls,
) {
  const logins = makeLogins();
  const vigil = { username: 'vigil', password: randomBytes(12).toString('hex'), clientId };
  const broker = new EmbeddedBroker(host, 0, log, { users: logins.users, vigil }, tls);
  const url = `mqtt://127.0.0.1:${await broker.start()}`;
  return { broker, url, vigil, ...logins };
}

/** A fixed clerk login for daemon tests (the daemon's config lists it under mqtt.users). */
export const TEST_CLERK: Login = { username: 'test-clerk', password: 'test-clerk-password' };
export const TEST_CLERK_USER: BrokerLogin = {
  name: TEST_CLERK.username,
  role: 'clerk',
  sha256: sha256Hex(TEST_CLERK.password),
};
