#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { loadConfigFile } from './config/load';
import { VigilError, errorMessage, isVigilError } from './core/errors';
import { createRootLogger } from './core/logger';
import type { Logger } from './core/logger';
import { VigilApp } from './app';
import { EXIT, exitCodeOf } from './core/exit-codes';

/** Exit codes: 0 clean stop, 1 runtime failure, 2 bad config or usage. */

function parseCli(argv: string[]): { config: string } {
  const { values } = parseArgs({
    args: argv,
    options: { config: { type: 'string', short: 'c' } },
    strict: true,
  });
  const config = values.config ?? process.env.VIGIL_CONFIG;
  if (!config)
    throw new VigilError(
      'VIGIL_ERR_USAGE',
      'usage: vigil --config <file.yaml> (or VIGIL_CONFIG=<file>)',
    );
  return { config };
}

async function main(): Promise<number> {
  let configPath: string;
  let config;
  try {
    configPath = parseCli(process.argv.slice(2)).config;
    // The README's VIGIL_* overrides and their _FILE forms (Docker secrets) apply to the daemon.
    config = loadConfigFile(configPath, { env: process.env });
  } catch (err) {
    process.stderr.write(`${isVigilError(err) ? err.report() : errorMessage(err)}\n`);
    return exitCodeOf(err);
  }
  const log = createRootLogger(config.logLevel);
  onBrokenInvariant(log);
  const app = new VigilApp(config, log, {
    configFile: configPath,
    announce: (line) => process.stderr.write(`[vigil] ${line}\n`),
  });
  try {
    const addr = await app.start();
    log.info(
      { config: configPath, api: addr.api, mqtt: addr.mqttUrl, cameras: app.cameras.length },
      'vigil running',
    );
    // For the person at the terminal (the log above is JSON on stdout).
    process.stderr.write(
      `[vigil] running: ${app.cameras.length} camera(s)${addr.api ? `, console and API at ${addr.api}/` : ''}, MQTT at ${addr.mqttUrl}\n`,
    );
  } catch (err) {
    const code = isVigilError(err) ? err.code : 'VIGIL_ERR_INVARIANT';
    log.fatal({ code, err: errorMessage(err) }, 'startup failed');
    // The log is JSON on stdout; a person at the terminal reads stderr.
    process.stderr.write(`vigil: startup failed: ${code}: ${errorMessage(err)}\n`);
    await app
      .stop()
      .catch((e: unknown) => log.error({ err: errorMessage(e) }, 'cleanup after failed start'));
    return EXIT.failure;
  }
  return new Promise<number>((resolve) => {
    const shutdown = (signal: string) => {
      log.info({ signal }, 'stopping');
      app.stop().then(
        () => resolve(EXIT.ok),
        (err: unknown) => {
          log.error({ err: errorMessage(err) }, 'error while stopping');
          resolve(EXIT.failure);
        },
      );
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
}

/**
 * A rejection or exception nobody handled is a broken invariant (every expected failure is
 * caught where it happens): logged fatal with its code, then exit non-zero so the supervisor
 * restarts a clean process rather than one in an unknown state.
 */
function onBrokenInvariant(log: Logger): void {
  const die = (kind: string) => (err: unknown) => {
    log.fatal(
      { code: 'VIGIL_ERR_INVARIANT', err: errorMessage(err), stack: (err as Error)?.stack, kind },
      'broken invariant; exiting so the supervisor restarts Vigil',
    );
    process.stderr.write(`vigil: VIGIL_ERR_INVARIANT (${kind}): ${errorMessage(err)}\n`);
    process.exit(EXIT.failure);
  };
  process.on('unhandledRejection', die('unhandledRejection'));
  process.on('uncaughtException', die('uncaughtException'));
}

// Everything Vigil writes (state, snapshots, clips, recordings, ffmpeg's files) is private: 0600/0700.
process.umask(0o077);

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`VIGIL_ERR_INVARIANT: ${errorMessage(err)}\n`);
    process.exit(EXIT.failure);
  },
);
