import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../../services/config/load';
import { InferenceSchema } from '../../../services/config/inference-schema';

const README = path.resolve(__dirname, '../../../README.md');

/** The rows of the README's configuration table: key cell and default cell. */
function tableRows(text: string): { keys: string; defaults: string }[] {
  const start = text.indexOf('| key ');
  const lines = text.slice(start).split('\n');
  const rows: { keys: string; defaults: string }[] = [];
  for (const line of lines.slice(2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
    rows.push({ keys: cells[1]!, defaults: cells[2]! });
  }
  return rows;
}

/**
 * `a.b` / `c` / `d` -> a.b, a.c, a.d; `a.{x, y}` -> a.x, a.y. The first names the full path, the
 * next ones are its siblings.
 */
function expandKeys(cell: string): string[] {
  const parts = [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
  const first = parts[0]!;
  const parent = first.includes('.') ? first.slice(0, first.lastIndexOf('.') + 1) : '';
  return parts.flatMap((p, i) => {
    const full =
      i === 0 || (parent && p.startsWith(parent.split('.')[0]! + '.')) ? p : `${parent}${p}`;
    const brace = /^(.*)\{(.*)\}$/.exec(full);
    return brace ? brace[2]!.split(',').map((k) => `${brace[1]}${k.trim()}`) : [full];
  });
}

/** The backticked defaults in order: `a` / `b`, `c` -> a, b, c; '' is the empty string. */
function expandDefaults(cell: string): string[] {
  return [...cell.matchAll(/`([^`]*)`/g)].map((m) => (m[1] === "''" ? '' : m[1]!));
}

function valueAt(config: unknown, key: string): unknown {
  let v: unknown = config;
  for (const part of key.replace(/\[\]/g, '.0').split('.'))
    v = (v as Record<string, unknown> | undefined)?.[part];
  return v;
}

const shown = (v: unknown) =>
  Array.isArray(v) || typeof v === 'object' ? JSON.stringify(v) : String(v);

/**
 * The README's configuration table says what the schema says: every default it shows in
 * backticks is the one a minimal config gets (the table once said graceSeconds 2 and listed
 * neither ONNX backend).
 */
test('the README defaults table matches the config schema', () => {
  const config = parseConfig(
    {
      cameras: [
        {
          id: 'a',
          source: { url: 'rtsp://10.0.0.5/s1' },
          zones: [
            {
              id: 'z',
              name: 'Z',
              polygon: [
                [0.1, 0.1],
                [0.9, 0.1],
                [0.5, 0.9],
              ],
            },
          ],
        },
      ],
    },
    { env: {} },
  );
  const rows = tableRows(readFileSync(README, 'utf8'));
  expect(rows.length).toBeGreaterThan(20);
  const wrong: string[] = [];
  let checked = 0;
  for (const row of rows) {
    const keys = expandKeys(row.keys);
    const defaults = expandDefaults(row.defaults);
    // Rows whose default is words (required, 2x2 ...) are read by people, not compared.
    if (defaults.length !== keys.length) continue;
    keys.forEach((k, i) => {
      // A table's [] is a row of its own (cameras[].zones[] is []); inside a path, its first item.
      const actual = k.endsWith('[]') ? valueAt(config, k.slice(0, -2)) : valueAt(config, k);
      const want = defaults[i]!;
      const actualText = k.endsWith('[]')
        ? Array.isArray(actual)
          ? '[]'
          : shown(actual)
        : shown(actual);
      checked++;
      if (actualText !== want && !(k.endsWith('[]') && want === '[]'))
        wrong.push(`${k}: README says ${want}, the schema ${actualText}`);
    });
  }
  expect(wrong).toEqual([]);
  expect(checked).toBeGreaterThan(40);
});

test('the README lists every inference backend the schema accepts', () => {
  const line = readFileSync(README, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('| `inference.backend`'))!;
  const listed = [...line.matchAll(/`([a-z0-9+-]+)`/g)].map((m) => m[1]);
  const accepted = (InferenceSchema.properties.backend as unknown as { enumValues: string[] })
    .enumValues;
  expect(accepted.length).toBeGreaterThan(4);
  expect(accepted.filter((b) => !listed.includes(b))).toEqual([]);
});
