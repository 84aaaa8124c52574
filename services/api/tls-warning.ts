import type { Config } from '../config/schema';
import type { Logger } from '../core/logger';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;

/** True when the API listens beyond loopback over plain HTTP with no TLS proxy said to be in front. */
export function plainHttpOnLan(api: Config['api']): boolean {
  return !api.tlsCertFile && !api.behindTlsProxy && !LOOPBACK.test(api.host);
}

/**
 * A phone installs the console and gets push only from a secure context: https://, or
 * http://localhost on the box itself. Says so at start when the console is on the LAN over HTTP.
 */
export function warnPlainHttpOnLan(api: Config['api'], log: Logger): void {
  if (!plainHttpOnLan(api)) return;
  log.warn(
    { code: 'VIGIL_ERR_API_PLAIN_HTTP', host: api.host, port: api.port },
    'the console is reachable on the network over plain HTTP: phones will not install it or receive push notifications, and tokens cross the LAN in clear. Make a certificate (npm run token -- cert <names>) and set api.tlsCertFile/tlsKeyFile, or set api.behindTlsProxy when a TLS proxy serves it',
  );
}
