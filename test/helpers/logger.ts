import pino from 'pino';
import type { Logger } from '../../services/core/logger';

/** A real pino logger whose lines are kept in memory for assertions. */
export function captureLogger(level = 'debug'): {
  log: Logger;
  lines: () => Record<string, unknown>[];
} {
  const out: string[] = [];
  const log = pino({ level }, { write: (s: string) => out.push(s) });
  return { log, lines: () => out.map((l) => JSON.parse(l) as Record<string, unknown>) };
}
