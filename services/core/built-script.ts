import { existsSync } from 'node:fs';
import path from 'node:path';
import { VigilError } from './errors';
import { repoRoot } from './package-info';

/**
 * The compiled file of a worker thread's entry, `rel` from `services/` (e.g.
 * `pose/inference-worker.js`): next to the caller in dist/, or in dist/ when running from source
 * (jest). Throws VIGIL_ERR_MODEL_LOAD when it is not built.
 */
export function builtScript(rel: string): string {
  const here = path.join(__dirname, '..', rel);
  if (here.endsWith('.js') && existsSync(here) && __filename.endsWith('.js')) return here;
  const built = path.join(repoRoot(), 'dist', 'services', rel);
  if (existsSync(built)) return built;
  throw new VigilError('VIGIL_ERR_MODEL_LOAD', `${rel} is not built: run \`npm run build\``);
}
