import pino from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/** Fields whose values never reach a log line. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'config.mqtt.password',
  'url',
  'req.headers.authorization',
];

/**
 * The root logger: the only module-level singleton allowed is the one created by `main.ts` from
 * this function. Children per module (`{ module }`) and per camera (`{ camera }`).
 */
export function createRootLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'vigil' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** Removes user:password@ from any URL-looking string, for logs and API answers. */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)([^/@\s:]+)(:[^/@\s]*)?@/gi, '$1***:***@');
}
