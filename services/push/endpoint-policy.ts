import { isIP } from 'node:net';
import type { LookupFunction } from 'node:net';
import { lookup as dnsLookup } from 'node:dns';
import { VigilError } from '../core/errors';

/**
 * Which push endpoints the daemon will call (SSRF guard). A subscription comes from a browser, so
 * its endpoint URL is untrusted input: accepted are https:// URLs on port 443 whose host is one of
 * `push.endpointHosts` (the browsers' push services; '*.' covers subdomains), with no user name or
 * password in them. http:// is accepted only with push.allowLoopbackHttp (tests) and only to
 * 127.0.0.1, ::1 or localhost. At send time the host's addresses are resolved again, and a push
 * service name that resolves to a loopback, private or link-local address is refused too.
 * Redirects are never followed.
 */
export interface EndpointRules {
  endpointHosts: readonly string[];
  allowLoopbackHttp: boolean;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

export function hostAllowed(host: string, patterns: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return patterns.some((p) =>
    p.startsWith('*.') ? h.endsWith(p.slice(1)) && h.length > p.length - 1 : h === p,
  );
}

/** The endpoint as a URL when the rules allow it; VIGIL_ERR_PUSH_ENDPOINT_REFUSED otherwise. */
export function checkEndpoint(endpoint: string, rules: EndpointRules): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw refused(endpoint, 'it is not a URL');
  }
  if (url.username || url.password) throw refused(endpoint, 'it carries a user name or password');
  if (url.protocol === 'http:') {
    if (rules.allowLoopbackHttp && LOOPBACK_HOSTS.has(url.hostname)) return url;
    throw refused(endpoint, 'http:// is accepted only for a loopback push service in tests');
  }
  if (url.protocol !== 'https:') throw refused(endpoint, 'push endpoints are https:// URLs');
  if (url.port !== '' && url.port !== '443') throw refused(endpoint, 'only port 443');
  if (isIP(url.hostname.replace(/^\[|\]$/g, '')) !== 0)
    throw refused(endpoint, 'an IP address is not a push service');
  if (!hostAllowed(url.hostname, rules.endpointHosts))
    throw refused(endpoint, `${url.hostname} is not in push.endpointHosts`);
  return url;
}

function refused(endpoint: string, why: string): VigilError {
  // The endpoint path is a capability of the device: only its origin reaches messages and logs.
  let origin = '(unparsable)';
  try {
    origin = new URL(endpoint).origin;
  } catch {
    // keeps the placeholder
  }
  return new VigilError(
    'VIGIL_ERR_PUSH_ENDPOINT_REFUSED',
    `push endpoint ${origin} refused: ${why}`,
  );
}

/** True for loopback, private (RFC 1918, ULA), link-local, CGNAT and unspecified addresses. */
export function isInternalAddress(ip: string): boolean {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (isIP(v4) === 4) {
    const [a = 0, b = 0] = v4.split('.').map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  const x = ip.toLowerCase();
  return x === '::' || x === '::1' || /^f[cd]/.test(x) || /^fe[89ab]/.test(x);
}

/** A DNS lookup for https pushes that refuses internal addresses (a push host pointed inside). */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const list = addresses as unknown as { address: string; family: number }[];
    const bad = list.find((a) => isInternalAddress(a.address));
    if (bad)
      return callback(
        new VigilError(
          'VIGIL_ERR_PUSH_ENDPOINT_REFUSED',
          `${hostname} resolves to the internal address ${bad.address}`,
        ) as unknown as NodeJS.ErrnoException,
        '',
        0,
      );
    if ((options as { all?: boolean }).all) return callback(null, list as never);
    const first = list[0]!;
    callback(null, first.address, first.family);
  });
};
