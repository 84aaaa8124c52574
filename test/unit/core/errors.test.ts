import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ERROR_CATALOGUE, VigilError } from '../../../services/core/errors';

/** The rows of the README's error-code table: code, HTTP status, exit code. */
function readmeCodeTable(): { code: string; http: string; exit: string }[] {
  const readme = readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
  const section = readme.split('\n## Error codes\n')[1]!.split('\n## ')[0]!;
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `VIGIL_ERR_'))
    .map((line) => {
      const [code, http, exit] = line
        .split('|')
        .slice(1, 4)
        .map((c) => c.trim());
      return { code: code!.replace(/`/g, ''), http: http!, exit: exit! };
    });
}

test('the README table lists every code of the catalogue, with its HTTP status and exit code', () => {
  const catalogue = Object.entries(ERROR_CATALOGUE).map(([code, e]) => ({
    code,
    http: 'http' in e ? String(e.http) : '–',
    exit: String(e.exit),
  }));
  const byCode = (a: { code: string }, b: { code: string }) => a.code.localeCompare(b.code);
  expect(readmeCodeTable().sort(byCode)).toEqual(catalogue.sort(byCode));
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
