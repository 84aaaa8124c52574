import * as tf from '@tensorflow/tfjs-core';
import { VigilError, errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { BackendName } from '../config/schema';

export type ConcreteBackend = Exclude<BackendName, 'auto'>;

/** What `auto` tries, fastest first. */
export const BACKEND_ORDER: readonly ConcreteBackend[] = [
  'tfjs-node-gpu',
  'tfjs-node',
  'wasm',
  'cpu',
];

interface BackendRecipe {
  /** The package to load; loading it registers its backend with tfjs-core. */
  module: string;
  /** tfjs-core's name for the backend. */
  tfName: string;
}

/**
 * The GPU path (tfjs-node-gpu: libtensorflow with CUDA) cannot run on our machines or in CI, which
 * have no GPU; it is this one table row plus the same code path as tfjs-node. Its install is an
 * optionalDependency and fails quietly where libtensorflow cannot be downloaded.
 */
const RECIPES: Record<ConcreteBackend, BackendRecipe> = {
  'tfjs-node-gpu': { module: '@tensorflow/tfjs-node-gpu', tfName: 'tensorflow' },
  'tfjs-node': { module: '@tensorflow/tfjs-node', tfName: 'tensorflow' },
  wasm: { module: '@tensorflow/tfjs-backend-wasm', tfName: 'wasm' },
  cpu: { module: '@tensorflow/tfjs-backend-cpu', tfName: 'cpu' },
};

export interface BackendChoice {
  name: ConcreteBackend;
  /** Why each faster backend was passed over. */
  skipped: { name: ConcreteBackend; reason: string }[];
}

async function tryBackend(name: ConcreteBackend): Promise<void> {
  const recipe = RECIPES[name];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- backends are optional packages, loaded by name
  require(recipe.module);
  const ok = await tf.setBackend(recipe.tfName);
  if (!ok) throw new Error(`tfjs could not initialise backend "${recipe.tfName}"`);
  await tf.ready();
}

/**
 * Selects the inference backend: the forced one, or the first of BACKEND_ORDER that loads.
 * Logs what runs and why the others did not.
 */
export async function selectBackend(wanted: BackendName, log: Logger): Promise<BackendChoice> {
  const order = wanted === 'auto' ? BACKEND_ORDER : [wanted];
  const skipped: BackendChoice['skipped'] = [];
  for (const name of order) {
    try {
      await tryBackend(name);
      log.info({ backend: name, skipped }, `inference backend: ${name}`);
      return { name, skipped };
    } catch (err) {
      skipped.push({ name, reason: errorMessage(err).split('\n')[0] ?? 'failed' });
    }
  }
  throw new VigilError(
    'VIGIL_ERR_BACKEND_UNAVAILABLE',
    `no inference backend could be loaded (${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')})`,
  );
}
