import type { InferenceConfig } from '../../services/config/schema';

/**
 * The detection profiles the benchmarks compare (npm run bench, npm run bench:tracking --
 * --profile <name>): the accurate default of the tracking issue and two cheaper ones, as
 * `inference` overrides of the config.
 */
export const PROFILES: Record<string, Partial<InferenceConfig>> = {
  accurate: {}, // defaults: 2x2 tiles at 320x256, motion gating, one worker per core
  balanced: { strategy: 'full', inputWidth: 384, inputHeight: 288 },
  fast: { strategy: 'full', inputWidth: 256, inputHeight: 192 },
};

/** The named profile; an unknown name is an error that lists the known ones. */
export function profile(name: string): Partial<InferenceConfig> {
  const p = PROFILES[name];
  if (!p) throw new Error(`unknown profile ${name}: one of ${Object.keys(PROFILES).join(', ')}`);
  return p;
}
