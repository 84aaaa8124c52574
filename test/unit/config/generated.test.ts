import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { Value } from '@sinclair/typebox/value';
import { configJsonSchema, mqttJsonSchemas } from '../../../services/config/json-schema';
import { ConfigSchema } from '../../../services/config/schema';

const repo = path.resolve(__dirname, '../../..');

test('config/schema.json matches the TypeBox schema (run `npm run gen:schema` after a change)', () => {
  expect(readFileSync(path.join(repo, 'config/schema.json'), 'utf8')).toBe(configJsonSchema());
});

test('docs/mqtt-schemas.json matches the payload schemas (run `npm run gen:schema` after a change)', () => {
  expect(readFileSync(path.join(repo, 'docs/mqtt-schemas.json'), 'utf8')).toBe(mqttJsonSchemas());
});

test('config/default.yaml states every default exactly as the schema has it', () => {
  const doc = parse(readFileSync(path.join(repo, 'config/default.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
  const filled = Value.Default(ConfigSchema, structuredClone(doc)) as Record<string, unknown>;
  // Filling defaults into the documented file must change nothing: it already holds them all.
  expect(filled).toEqual(doc);
  const camera = (doc.cameras as Record<string, unknown>[])[0]!;
  const fromMinimal = Value.Default(ConfigSchema, {
    cameras: [{ id: camera.id, source: { url: (camera.source as { url: string }).url } }],
  });
  expect(fromMinimal).toEqual(doc);
});
