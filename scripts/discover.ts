import { parseArgs } from 'node:util';
import { VigilError, errorMessage } from '../services/core/errors';
import { discoverDevices } from '../services/onvif/discovery-service';
import { exitOnError } from '../services/core/exit-codes';

const USAGE =
  'usage: npm run discover -- [--interface <if>] [--timeout <s>] [--user <u> --password <p>]';

/**
 * For integrators on site: WS-Discovery on one interface, then each device read with the
 * credentials given. One JSON object per device on stdout (URIs without credentials, or the error
 * per device); a count on stderr. The password can come from VIGIL_ONVIF_PASSWORD instead of the
 * command line (shell history).
 */
async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        help: { type: 'boolean', short: 'h' },
        interface: { type: 'string' },
        timeout: { type: 'string', default: '5' },
        user: { type: 'string' },
        password: { type: 'string' },
      },
    });
  } catch (err) {
    throw new VigilError('VIGIL_ERR_USAGE', `${errorMessage(err)}\n${USAGE}`);
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const timeout = Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 60)
    throw new VigilError('VIGIL_ERR_USAGE', `--timeout must be 0-60 seconds\n${USAGE}`);
  const password = values.password ?? process.env.VIGIL_ONVIF_PASSWORD;
  if ((values.user === undefined) !== (password === undefined))
    throw new VigilError('VIGIL_ERR_USAGE', `--user and --password go together\n${USAGE}`);
  const results = await discoverDevices({
    interface: values.interface,
    timeoutMs: timeout * 1000,
    credentials:
      values.user !== undefined && password !== undefined
        ? { username: values.user, password }
        : undefined,
  });
  for (const r of results) process.stdout.write(JSON.stringify(r) + '\n');
  process.stderr.write(
    `${results.length} ONVIF device(s) answered on ${values.interface ?? 'the default interface'} within ${timeout}s\n`,
  );
}

main().catch(exitOnError);
