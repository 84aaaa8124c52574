import { ConfigSchema } from './schema';

/** config/schema.json: the TypeBox schema as plain JSON Schema (for editors and integrators). */
export function configJsonSchema(): string {
  return `${JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...ConfigSchema }, null, 2)}\n`;
}
