import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { configJsonSchema } from '../services/config/json-schema';
import { repoRoot } from '../services/core/package-info';

/** Regenerates config/schema.json; a unit test fails when it drifts from the TypeBox schema. */
writeFileSync(path.join(repoRoot(), 'config', 'schema.json'), configJsonSchema());
process.stdout.write('wrote config/schema.json\n');
