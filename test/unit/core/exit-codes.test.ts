import { parseArgs } from 'node:util';
import { VigilError } from '../../../services/core/errors';
import { EXIT, errorReport, exitCodeOf } from '../../../services/core/exit-codes';

test.each([
  ['VIGIL_ERR_USAGE', 2],
  ['VIGIL_ERR_CONFIG_INVALID', 2],
  ['VIGIL_ERR_CONFIG_READ', 2],
  ['VIGIL_ERR_INPUT_MISSING', 2],
  ['VIGIL_ERR_MODEL_CHECKSUM', 1],
  ['VIGIL_ERR_API_START', 1],
  ['VIGIL_ERR_DISCOVERY_FAILED', 1],
] as const)('%s exits %i, for every command', (code, exit) => {
  expect(exitCodeOf(new VigilError(code, 'x'))).toBe(exit);
});

test('an error without a Vigil code is a failure, reported as VIGIL_ERR_INVARIANT', () => {
  expect(exitCodeOf(new Error('boom'))).toBe(EXIT.failure);
  expect(errorReport(new Error('boom'))).toBe('VIGIL_ERR_INVARIANT: boom');
});

test('a command line parseArgs refuses is a usage error (exit 2), not an invariant', () => {
  let err: unknown;
  try {
    parseArgs({ args: ['stray.avi'], options: { input: { type: 'string' } }, strict: true });
  } catch (e) {
    err = e;
  }
  expect(exitCodeOf(err)).toBe(EXIT.usage);
  expect(errorReport(err)).toMatch(/^VIGIL_ERR_USAGE: .*stray\.avi.*--help/);
});
