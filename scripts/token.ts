import { randomBytes } from 'node:crypto';
import { scryptHash } from '../services/core/hashing';
import { haDiscoveryEnabled } from '../services/alerts/ha-discovery';
import { mosquittoAcl } from '../services/alerts/broker-acl';
import { newApiToken } from '../services/api/auth';
import { mosquittoPasswordLine } from '../services/alerts/mosquitto-files';
import { centralAclForSite, mosquittoBridgeConf } from '../services/alerts/mosquitto-bridge';
import { loadConfigFile } from '../services/config/load';
import { errorMessage } from '../services/core/errors';
import { boxNames, makeLocalCa, trustInstructions } from '../services/api/local-ca';

const USAGE = `usage: npm run token -- <viewer|clerk|admin> <name> [console URL]
                                                   an API bearer token (and the console's pairing link)
       npm run token -- mqtt-<clerk|viewer> <name>       an MQTT login (embedded broker, mosquitto)
       npm run token -- mosquitto-acl <config.yaml>      the ACL file for an external mosquitto
       npm run token -- cert [dir] [name or address...]  a local CA and the API's HTTPS certificate
                                                   for this box's names and addresses (openssl)
       npm run token -- mosquitto-bridge <site> <central host:port> <central CA file>
                                                   a store's bridge to a central broker, its login there`;

function apiToken(role: string, name: string, consoleUrl = 'http://127.0.0.1:8080/'): void {
  if (!/^[A-Za-z0-9_.@-]+$/.test(name)) throw new Error(`${name}: letters, digits, _ . @ - only`);
  const { token, id, scrypt } = newApiToken();
  process.stdout.write(`token (give it to ${name}; it is not stored anywhere): ${token}\n`);
  process.stdout.write(
    `add under api.tokens in the config:\n  - { name: ${name}, role: ${role}, id: ${id}, scrypt: ${scrypt} }\n`,
  );
  // The fragment (#...) never leaves the browser: not in server logs, not in Referer headers.
  const link = new URL(consoleUrl);
  link.hash = `token=${token}`;
  process.stdout.write(
    `pairing link: open it once on ${name}'s phone or tablet, which then remembers the login:\n  ${link.href}\n`,
  );
}

function mqttLogin(role: string, name: string): void {
  if (!/^[A-Za-z0-9_.@-]+$/.test(name)) throw new Error(`${name}: letters, digits, _ . @ - only`);
  const password = randomBytes(18).toString('base64url');
  process.stdout.write(
    `MQTT login for ${name} (${role}): user name ${name}, password ${password} (not stored anywhere)\n`,
  );
  process.stdout.write(
    `embedded broker: add under mqtt.users in the config (a salted scrypt of the password):\n  - { name: ${name}, role: ${role}, scrypt: '${scryptHash(password)}' }\n`,
  );
  process.stdout.write(
    `external mosquitto: add this line to its password_file:\n${mosquittoPasswordLine(name, password)}\n`,
  );
  if (role === 'clerk')
    process.stdout.write(
      `on an external broker, ${name} publishes commands to vigil/<camera>/alerts/<id>/<ack|snooze|feedback>/${name} (the ACL binds that last level to the login)\n`,
    );
}

/** The ACL of an external mosquitto: Vigil's own login (mqtt.username) and mqtt.users. */
function acl(file: string): void {
  const config = loadConfigFile(file);
  const vigil = config.mqtt.username;
  if (!vigil)
    throw new Error('mqtt.username is empty: Vigil needs a login of its own on mosquitto');
  // What the daemon publishes with this config: vigil/, and Home Assistant's prefix when on.
  const discoveryPrefix = haDiscoveryEnabled(config) ? config.mqtt.homeAssistant.prefix : '';
  process.stdout.write(
    mosquittoAcl([{ name: vigil, role: 'vigil' }, ...config.mqtt.users], { discoveryPrefix }),
  );
}

/** A store's bridge: its mosquitto.conf section, and its login and ACL lines for the centre. */
function bridge(site: string, central: string, cafile: string): void {
  const password = randomBytes(18).toString('base64url');
  const username = `site-${site}`;
  process.stdout.write(
    `# 1. Add to the store's mosquitto.conf (it holds the centre password: chmod 600):\n${mosquittoBridgeConf({ site, central, username, password, cafile })}\n`,
  );
  process.stdout.write(
    `# 2. On the central broker, add to its password_file:\n${mosquittoPasswordLine(username, password)}\n\n# 3. and to its acl_file:\n${centralAclForSite(site, username)}`,
  );
}

function main(): number {
  const [what, arg, url, extra] = process.argv.slice(2);
  if (what === 'cert') {
    const names = process.argv.slice(4);
    const files = makeLocalCa(arg ?? 'data/vigil/tls', names.length ? names : boxNames());
    process.stdout.write(trustInstructions(files));
    return 0;
  }
  if (what === 'mosquitto-bridge' && arg && url && extra) {
    bridge(arg, url, extra);
    return 0;
  }
  if ((what === 'viewer' || what === 'clerk' || what === 'admin') && arg) apiToken(what, arg, url);
  else if ((what === 'mqtt-clerk' || what === 'mqtt-viewer') && arg) mqttLogin(what.slice(5), arg);
  else if (what === 'mosquitto-acl' && arg) acl(arg);
  else {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  return 0;
}

try {
  process.exitCode = main();
} catch (err) {
  process.stderr.write(`token: ${errorMessage(err)}\n`);
  process.exitCode = 1;
}
