import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatTune, tune } from '../services/analysis/tune';
import { parseSince } from '../services/core/since';
import { loadConfigFile } from '../services/config/load';
import { VigilError } from '../services/core/errors';
import { exitOnError } from '../services/core/exit-codes';
import { createRootLogger } from '../services/core/logger';

const USAGE = `usage: npm run tune -- [--since 7d] [--config candidate.yaml] [--current site.yaml] [--json]

Replays the pose tracks the daemon recorded (dataDir/pose-tracks/<camera>) since --since (d, h
or m) through the rules of the current config (--current, else $VIGIL_CONFIG, else
config/demo.yaml) and of a candidate (--config; default: the current one), and prints per camera,
zone and rule: alerts now and with the candidate, those that would vanish or be new, and of the
alerts clerks judged, the confirmed ones kept and the false alarms removed.`;

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        since: { type: 'string', default: '7d' },
        config: { type: 'string' },
        current: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    throw new VigilError('VIGIL_ERR_USAGE', `${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const sinceMs = parseSince(values.since, Date.now());
  if (sinceMs === undefined)
    throw new VigilError(
      'VIGIL_ERR_USAGE',
      `--since ${values.since}: say 7d, 12h or 30m\n${USAGE}`,
    );
  const currentFile = values.current ?? process.env.VIGIL_CONFIG ?? 'config/demo.yaml';
  for (const f of [currentFile, values.config])
    if (f && !existsSync(f)) throw new VigilError('VIGIL_ERR_INPUT_MISSING', `no config file ${f}`);
  const current = loadConfigFile(currentFile);
  const candidate = values.config ? loadConfigFile(values.config) : current;
  const log = createRootLogger('warn', process.stderr as never);
  const t0 = Date.now();
  const report = await tune(current, candidate, sinceMs, log);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  process.stdout.write(
    `replayed ${report.frames} recorded frames of ${report.cameras.join(', ')} since ${report.since} ` +
      `(recordings in ${current.dataDir}/pose-tracks) in ${((Date.now() - t0) / 1000).toFixed(1)} s\n` +
      `current: ${currentFile}; candidate: ${values.config ?? '(the same)'}\n\n${formatTune(report)}`,
  );
}

main().catch(exitOnError);
