import { parseArgs } from 'node:util';
import { createRootLogger } from '../services/core/logger';
import { formatResults, runDoctor } from '../services/doctor/doctor';

/** npm run doctor -- [--config <yaml>] [--json]: exit 1 when any check is an error. */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { config: { type: 'string', short: 'c' }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  const configPath = values.config ?? process.env.VIGIL_CONFIG ?? 'config/demo.yaml';
  const results = await runDoctor(configPath, createRootLogger('error', process.stderr as never));
  const errors = results.filter((r) => r.status === 'error').length;
  const warnings = results.filter((r) => r.status === 'warning').length;
  if (values.json)
    process.stdout.write(
      `${JSON.stringify({ ok: errors === 0, errors, warnings, checks: results })}\n`,
    );
  else
    process.stdout.write(
      `vigil doctor (${configPath})\n${formatResults(results)}\n\n${errors} error(s), ${warnings} warning(s)\n`,
    );
  return errors === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `VIGIL_ERR_INVARIANT: doctor crashed: ${(err as Error).stack ?? String(err)}\n`,
    );
    process.exit(1);
  },
);
