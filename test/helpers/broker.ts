import { randomBytes } from 'node:crypto';
import { scryptHash, sha256Hex } from '../../services/core/hashing';
import { DEFAULT_BROKER_LIMITS, EmbeddedBroker } from '../../services/alerts/embedded-broker';
import type { BrokerLimits, BrokerLogin, BrokerTls } from '../../services/alerts/embedded-broker';
import type { Logger } from '../../services/core/logger';

export interface Login {
  username: string;
  password: string;
}

/**
 * A login of each configured role, with its password (tests only): the clerk's stored as a
 * salted scrypt, the viewer's in the older sha256 form (both are accepted).
 */
export function makeLogins(): { clerk: Login; viewer: Login; users: BrokerLogin[] } {
  const clerk = { username: 'ann', password: randomBytes(12).toString('hex') };
  const viewer = { username: 'dashboard', password: randomBytes(12).toString('hex') };
  return {
    clerk,
    viewer,
    users: [
      { name: clerk.username, role: 'clerk', scrypt: scryptHash(clerk.password) },
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
  limits: BrokerLimits = DEFAULT_BROKER_LIMITS,
  discoveryPrefix = '',
) {
  const logins = makeLogins();
  const vigil = { username: 'vigil', password: randomBytes(12).toString('hex'), clientId };
  const broker = new EmbeddedBroker(
    host,
    0,
    log,
    { users: logins.users, vigil, discoveryPrefix },
    tls,
    limits,
  );
  const url = `mqtt://127.0.0.1:${await broker.start()}`;
  return { broker, url, vigil, ...logins };
}

/**
 * A fixed clerk login for daemon tests (the daemon's config lists it under mqtt.users). Its name
 * is who answers: the broker records a command as its login's, whatever the payload says.
 */
export const TEST_CLERK: Login = { username: 'clerk-ann', password: 'test-clerk-password' };
export const TEST_CLERK_USER: BrokerLogin = {
  name: TEST_CLERK.username,
  role: 'clerk',
  scrypt: scryptHash(TEST_CLERK.password),
};
