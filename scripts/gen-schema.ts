import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { configJsonSchema, mqttJsonSchemas } from '../services/config/json-schema';
import { repoRoot } from '../services/core/package-info';

/** Regenerates config/schema.json and docs/mqtt-schemas.json; unit tests fail when they drift. */
writeFileSync(path.join(repoRoot(), 'config', 'schema.json'), configJsonSchema());
mkdirSync(path.join(repoRoot(), 'docs'), { recursive: true });
writeFileSync(path.join(repoRoot(), 'docs', 'mqtt-schemas.json'), mqttJsonSchemas());
process.stdout.write('wrote config/schema.json and docs/mqtt-schemas.json\n');
