import * as tf from '@tensorflow/tfjs-core';
import { VigilError, errorMessage } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { ConcreteBackend } from './pose-engine';

export type TfjsBackend = 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';

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
const RECIPES: Record<TfjsBackend, BackendRecipe> = {
  'tfjs-node-gpu': { module: '@tensorflow/tfjs-node-gpu', tfName: 'tensorflow' },
  'tfjs-node': { module: '@tensorflow/tfjs-node', tfName: 'tensorflow' },
  wasm: { module: '@tensorflow/tfjs-backend-wasm', tfName: 'wasm' },
  cpu: { module: '@tensorflow/tfjs-backend-cpu', tfName: 'cpu' },
};

export function isTfjsBackend(name: ConcreteBackend): name is TfjsBackend {
  return name in RECIPES;
}

/** Makes a tfjs backend the active one in this thread; throws why it cannot. */
export async function useTfjsBackend(name: TfjsBackend): Promise<void> {
  const recipe = RECIPES[name];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- backends are optional packages, loaded by name
  require(recipe.module);
  const ok = await tf.setBackend(recipe.tfName);
  if (!ok) throw new Error(`tfjs could not initialise backend "${recipe.tfName}"`);
  await tf.ready();
}

/**
 * The best tfjs backend that loads, for tfjs models other than the pose model (the behaviour
 * autoencoder). Throws VIGIL_ERR_BACKEND_UNAVAILABLE when none does.
 */
export async function selectTfjsBackend(
  wanted: TfjsBackend | 'auto',
  log: Logger,
): Promise<TfjsBackend> {
  const order: TfjsBackend[] = wanted === 'auto' ? ['tfjs-node-gpu', 'wasm', 'cpu'] : [wanted];
  const reasons: string[] = [];
  for (const name of order) {
    try {
      await useTfjsBackend(name);
      log.debug({ backend: name }, `tfjs backend: ${name}`);
      return name;
    } catch (err) {
      reasons.push(`${name}: ${errorMessage(err).split('\n')[0]}`);
    }
  }
  throw new VigilError(
    'VIGIL_ERR_BACKEND_UNAVAILABLE',
    `no tfjs backend could be loaded (${reasons.join('; ')})`,
  );
}
