import { loadConfigFile } from '../config/load';
import type { Config } from '../config/schema';
import { isVigilError } from '../core/errors';
import type { Logger } from '../core/logger';
import { error, ok, timed } from './check';
import type { CheckResult } from './check';
import {
  checkApi,
  checkBroker,
  checkCamera,
  checkClips,
  checkInference,
  checkModelFiles,
} from './service-checks';
import { checkDisk, checkFfmpeg, checkGpu, checkNode, hasLibx264 } from './system-checks';

/**
 * Every check an integrator needs before trusting a box: runs them all (a failure never hides
 * the next one) and returns one result each.
 */
export async function runDoctor(configPath: string, log: Logger): Promise<CheckResult[]> {
  const results: CheckResult[] = [checkNode()];
  results.push(await timed('ffmpeg', checkFfmpeg, 'apt-get install ffmpeg'));
  results.push(checkGpu());
  let config: Config | undefined;
  try {
    config = loadConfigFile(configPath);
    results.push(ok('config', `${configPath}: valid, ${config.cameras.length} camera(s)`));
  } catch (err) {
    const detail = isVigilError(err) ? err.report() : String(err);
    results.push(
      error('config', detail, 'fix the listed fields; config/default.yaml documents each one'),
    );
    return results;
  }
  const cfg = config;
  results.push(
    await timed(
      'model files',
      () => checkModelFiles(cfg),
      'reinstall with npm ci; never edit model files',
    ),
  );
  if (results[results.length - 1]!.status === 'ok') {
    results.push(
      await timed(
        'inference',
        () => checkInference(cfg, log),
        'set inference.backend to auto or a backend installed here',
      ),
    );
  }
  results.push(await timed('api', () => checkApi(cfg), 'check api.host and api.port'));
  results.push(await timed('mqtt broker', () => checkBroker(cfg), 'check mqtt.url'));
  const x264 = hasLibx264();
  for (const cam of cfg.cameras.filter((c) => c.enabled)) {
    let codec: string | undefined;
    results.push(
      await timed(
        `camera ${cam.id}`,
        () => checkCamera(cam, 10, (c) => (codec = c)),
        'check cameras[].source.url',
      ),
    );
    results.push(checkClips(cam, codec, x264));
  }
  results.push(await timed('disk', () => checkDisk(cfg.dataDir), 'check dataDir'));
  return results;
}

export function formatResults(results: readonly CheckResult[]): string {
  const mark = { ok: 'ok     ', warning: 'WARNING', error: 'ERROR  ' } as const;
  return results
    .map((r) => {
      const head = `${mark[r.status]}  ${r.name.padEnd(16)} ${r.detail.split('\n').join('\n' + ' '.repeat(26))}`;
      return r.hint && r.status !== 'ok' ? `${head}\n${' '.repeat(26)}hint: ${r.hint}` : head;
    })
    .join('\n');
}
