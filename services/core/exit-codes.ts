import { errorEntry, errorMessage, isVigilError } from './errors';

/** Exit codes of every Vigil command (the daemon, analyze, behaviour, eval:mot, discover, ...). */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** node:util parseArgs refusing the command line (unknown option, stray argument, ...). */
function isParseArgsError(err: unknown): boolean {
  return /^ERR_PARSE_ARGS_/.test(String((err as { code?: unknown } | null)?.code ?? ''));
}

/** The catalogue's exit code (2 for bad usage, config or input files; 1 for a failure at run time). */
export function exitCodeOf(err: unknown): number {
  if (isParseArgsError(err)) return EXIT.usage;
  return isVigilError(err) ? errorEntry(err.code).exit : EXIT.failure;
}

/** What a command prints on stderr for an error: its code, message and problems. */
export function errorReport(err: unknown): string {
  if (isParseArgsError(err)) return `VIGIL_ERR_USAGE: ${errorMessage(err)} (--help for usage)`;
  return isVigilError(err) ? err.report() : `VIGIL_ERR_INVARIANT: ${errorMessage(err)}`;
}

/** The end of every command: on an error, its report on stderr and the exit code of the table. */
export function exitOnError(err: unknown): never {
  process.stderr.write(`${errorReport(err)}\n`);
  process.exit(exitCodeOf(err));
}
