import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createRootLogger } from '../services/core/logger';
import { VigilError } from '../services/core/errors';
import { loadPoseScorer } from '../services/behaviour/pose-scorer';
import { readPoseTrackDir } from '../services/behaviour/pose-tracks';
import { learnCueNorms } from '../services/behaviour/cue-norms';
import { PoseZModel, cameraOf } from '../services/behaviour/pose-zscore';
import { TRAIN_DEFAULTS, Z_DEFAULTS, progressBar } from '../services/behaviour/train-defaults';
import { exitOnError } from '../services/core/exit-codes';
import path from 'node:path';
import { repoRoot } from '../services/core/package-info';
import { evalConfig, evaluate, writeAlerts } from './behaviour-alerts';

const USAGE = `usage: npm run behaviour -- train --data <dir of pose-tracks/v1 json> --out <model dir>
                                [--method pose-z|autoencoder] [--epochs N] [--seed N]
       npm run behaviour -- score --model <model dir> --data <dir> --out <scores.json>
       npm run behaviour -- alerts --data <dir> [--model <dir>] [--config <yaml>] --out <alerts.json>
       npm run behaviour -- eval [--data <labelled dir>] [--normal <normal dir>] [--config <yaml>] [--cue-norms site|builtin]

alerts: every clip (PoseLift, or the daemon's own recordings <dataDir>/pose-tracks/<camera>)
through the daemon's rules and incident policy at the clip's fps: {clip: [{frame, rule, severity,
score}]}. eval: theft events caught, alert precision, false alerts per camera-hour, the curve and
frame AUC-ROC (defaults: ../shared/data/poselift dev and train); ends with one line of JSON.

pose-z (the default): per camera (a clip's "camera" field, else its name: poselift-02_0216 is
camera 02), the spread of its normal poses; a camera never seen in training is scored against
the whole site. autoencoder: one site-wide network (tfjs). Output of score: {clip: [score per
frame]}, higher is more suspicious.`;

const bar = (done: number, total: number, extra: string) =>
  process.stderr.write(
    `${process.stderr.isTTY ? '\r' : ''}train ${progressBar(done, total, extra)}${process.stderr.isTTY ? '' : '\n'}`,
  );

async function train(data: string, out: string, method: string, epochs?: string, seed?: string) {
  const docs = readPoseTrackDir(data);
  const t0 = Date.now();
  if (method === 'pose-z') {
    const model = PoseZModel.train(docs, {
      ...Z_DEFAULTS,
      onCamera: (cam, done, of) => bar(done, of, `camera ${cam}`),
    }).withCueNorms(learnCueNorms(docs));
    model.save(out);
    const cams = Object.entries(model.meta.cameras)
      .map(([c, s]) => `${c} (${s.clips} clips, ${s.windows} windows)`)
      .join(', ');
    process.stdout.write(
      `\ntrained pose-z on ${docs.length} clips in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${cams || 'no camera with enough footage'}; site-wide fallback ${model.meta.site.windows} windows; model in ${out}\n`,
    );
    return;
  }
  if (method !== 'autoencoder')
    throw new VigilError('VIGIL_ERR_USAGE', `--method ${method}: pose-z or autoencoder\n${USAGE}`);
  const { AnomalyModel } = await import('../services/behaviour/anomaly-model.js');
  const { selectTfjsBackend } = await import('../services/pose/engines/tfjs-backends.js');
  await selectTfjsBackend('auto', createRootLogger('warn', process.stderr as never));
  const model = await AnomalyModel.train(docs, {
    ...TRAIN_DEFAULTS,
    epochs: epochs ? Number(epochs) : TRAIN_DEFAULTS.epochs,
    seed: seed ? Number(seed) : TRAIN_DEFAULTS.seed,
    onEpoch: (e, n, loss) => bar(e, n, `loss ${loss.toFixed(4)}`),
  });
  await model.save(out);
  process.stdout.write(
    `\ntrained the autoencoder on ${docs.length} clips, ${model.meta.trained.windows} windows in ${((Date.now() - t0) / 1000).toFixed(1)} s; model in ${out}\n`,
  );
}

function cueNormsOption(v: string): 'site' | 'builtin' {
  if (v === 'site' || v === 'builtin') return v;
  throw new VigilError('VIGIL_ERR_USAGE', `--cue-norms ${v}: site or builtin\n${USAGE}`);
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      data: { type: 'string' },
      out: { type: 'string' },
      model: { type: 'string' },
      method: { type: 'string', default: 'pose-z' },
      epochs: { type: 'string' },
      seed: { type: 'string' },
      config: { type: 'string' },
      normal: { type: 'string' },
      'cue-norms': { type: 'string', default: 'site' },
    },
    strict: true,
  });
  const log = createRootLogger('warn', process.stderr as never);
  if (command === 'alerts' && values.data && values.out) {
    const model = values.model ? await loadPoseScorer(values.model) : undefined;
    const n = writeAlerts(values.data, values.out, evalConfig(values.config), log, model);
    process.stdout.write(`${n} alerts into ${values.out}\n`);
    return;
  }
  if (command === 'eval') {
    const data = path.resolve(repoRoot(), '../shared/data/poselift');
    const summary = evaluate(
      values.data ?? path.join(data, 'dev'),
      values.normal ?? path.join(data, 'train'),
      values.config,
      log,
      cueNormsOption(values['cue-norms']!),
    );
    process.stdout.write(`\n${JSON.stringify(summary)}\n`);
    return;
  }
  if (command === 'train' && values.data && values.out)
    return train(values.data, values.out, values.method!, values.epochs, values.seed);
  if (command === 'score' && values.model && values.data && values.out) {
    const model = await loadPoseScorer(values.model);
    if (model.kind === 'autoencoder') {
      const { selectTfjsBackend } = await import('../services/pose/engines/tfjs-backends.js');
      await selectTfjsBackend('auto', createRootLogger('warn', process.stderr as never));
    }
    const docs = readPoseTrackDir(values.data);
    const out: Record<string, number[]> = {};
    docs.forEach((doc, i) => {
      out[doc.clip] = Array.from(
        model.scoreClip(doc, cameraOf(doc)),
        (v) => Math.round(v * 1e4) / 1e4,
      );
      if (process.stderr.isTTY) process.stderr.write(`\rscore ${progressBar(i + 1, docs.length)}`);
    });
    writeFileSync(values.out, `${JSON.stringify(out)}\n`);
    process.stdout.write(
      `${process.stderr.isTTY ? '\n' : ''}scored ${docs.length} clips (${model.kind}) into ${values.out}\n`,
    );
    model.dispose();
    return;
  }
  throw new VigilError('VIGIL_ERR_USAGE', USAGE);
}

main().catch(exitOnError);
