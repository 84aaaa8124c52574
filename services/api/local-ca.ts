import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { VigilError } from '../core/errors';

/**
 * A local certificate authority for the box and a server certificate it signs for the box's names
 * and addresses: what phones need to reach the console over https:// on the LAN (a secure context
 * for the service worker and push). Made with the openssl command line (Debian's openssl package):
 * X.509 in pure Node would need an ASN.1 DER writer of our own. EC P-256 keys; the server
 * certificate lasts 825 days, the most iOS accepts; the CA is kept and reused when it exists.
 */
export interface LocalCaFiles {
  caCert: string;
  caKey: string;
  cert: string;
  key: string;
  names: string[];
}

/** localhost, this host's name (and <name>.local), loopback and the non-internal IPv4 addresses. */
export function boxNames(): string[] {
  const host = os.hostname().toLowerCase();
  const ips = Object.values(os.networkInterfaces())
    .flat()
    .filter((a) => a && !a.internal && a.family === 'IPv4')
    .map((a) => a!.address);
  return [...new Set(['localhost', host, `${host}.local`, '127.0.0.1', ...ips])];
}

function openssl(cwd: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    throw new VigilError(
      'VIGIL_ERR_USAGE',
      e.code === 'ENOENT'
        ? 'openssl is not installed (apt-get install openssl)'
        : `openssl ${args[0]} failed: ${e.stderr?.toString().trim() ?? e.message}`,
      { cause: err },
    );
  }
}

export function makeLocalCa(dir: string, names: string[] = boxNames()): LocalCaFiles {
  for (const n of names)
    if (!/^[A-Za-z0-9.:-]+$/.test(n)) throw new VigilError('VIGIL_ERR_USAGE', `bad name ${n}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const f = {
    caCert: path.join(dir, 'vigil-ca.pem'),
    caKey: path.join(dir, 'vigil-ca.key'),
    cert: path.join(dir, 'server.pem'),
    key: path.join(dir, 'server.key'),
    names,
  };
  if (!existsSync(f.caCert) || !existsSync(f.caKey)) {
    writeFileSync(
      path.join(dir, 'ca.cnf'),
      '[req]\ndistinguished_name=dn\nx509_extensions=ext\nprompt=no\n[dn]\nCN=Vigil local CA ' +
        `${os.hostname()}\n[ext]\nbasicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n`,
    );
    openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'vigil-ca.key']);
    openssl(dir, [
      'req',
      '-x509',
      '-new',
      '-key',
      'vigil-ca.key',
      '-sha256',
      '-days',
      '3650',
      '-config',
      'ca.cnf',
      '-out',
      'vigil-ca.pem',
    ]);
  }
  const san = names.map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
  writeFileSync(
    path.join(dir, 'server.cnf'),
    `[req]\ndistinguished_name=dn\nprompt=no\n[dn]\nCN=${names.find((n) => !isIP(n)) ?? names[0]}\n` +
      `[ext]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`,
  );
  openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'server.key']);
  openssl(dir, [
    'req',
    '-new',
    '-key',
    'server.key',
    '-config',
    'server.cnf',
    '-out',
    'server.csr',
  ]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'vigil-ca.pem',
    '-CAkey',
    'vigil-ca.key',
    '-CAcreateserial',
    '-sha256',
    '-days',
    '825',
    '-extfile',
    'server.cnf',
    '-extensions',
    'ext',
    '-out',
    'server.pem',
  ]);
  chmodSync(f.caKey, 0o600);
  chmodSync(f.key, 0o600);
  return f;
}

/** What `npm run token -- cert` prints: the config lines and how to trust the CA on phones. */
export function trustInstructions(f: LocalCaFiles, port = 8443): string {
  const host = f.names.find((n) => isIP(n) && !n.startsWith('127.')) ?? f.names[1] ?? 'localhost';
  return `certificate for: ${f.names.join(', ')}
1. In the config:
  api:
    host: 0.0.0.0
    port: ${port}
    tlsCertFile: ${f.cert}
    tlsKeyFile: ${f.key}
2. Give each phone the CA certificate ${f.caCert} (never the .key files), e.g. by e-mail or a USB cable:
   Android: Settings > Security > More security settings > Encryption & credentials > Install a
            certificate > CA certificate, pick vigil-ca.pem. Chrome then trusts https://${host}:${port}/.
   iPhone/iPad (iOS 16.4 or later for push): open vigil-ca.pem (AirDrop or Mail), Settings > General >
            VPN & Device Management > install the profile, then Settings > General > About >
            Certificate Trust Settings > turn on full trust for "Vigil local CA".
3. Open https://${host}:${port}/ on the phone, log in, then "Turn on notifications"
   (on iPhone first Share > Add to Home Screen, and open Vigil from the home screen).
The box needs outbound HTTPS (443) to the push services (fcm.googleapis.com, web.push.apple.com, ...).
`;
}
