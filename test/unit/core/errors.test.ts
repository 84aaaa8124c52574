import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ERROR_CODES, VigilError } from '../../../services/core/errors';

test('every error code is documented in the README', () => {
  const readme = readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
  for (const code of Object.keys(ERROR_CODES)) expect(readme).toContain(`\`${code}\``);
});

test('a report lists the code, the message and every problem', () => {
  const err = new VigilError('VIGIL_ERR_CONFIG_INVALID', '2 problem(s)', {
    details: [
      { path: '/a', message: 'bad' },
      { path: '', message: 'worse' },
    ],
  });
  expect(err.report()).toBe('VIGIL_ERR_CONFIG_INVALID: 2 problem(s)\n  - /a: bad\n  - /: worse');
});
