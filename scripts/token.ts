import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../services/api/auth';

/** npm run token -- <viewer|admin> <name>: a new bearer token and the config entry holding its hash. */
const [role, name] = process.argv.slice(2);
if ((role !== 'viewer' && role !== 'admin') || !name) {
  process.stderr.write('usage: npm run token -- <viewer|admin> <name>\n');
  process.exit(2);
}
const token = randomBytes(24).toString('base64url');
process.stdout.write(`token (give it to ${name}; it is not stored anywhere): ${token}\n`);
process.stdout.write(
  `add under api.tokens in the config:\n  - { name: ${name}, role: ${role}, sha256: ${sha256Hex(token)} }\n`,
);
