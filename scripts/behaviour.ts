import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createRootLogger } from '../services/core/logger';
import { VigilError } from '../services/core/errors';
import { AnomalyModel } from '../services/behaviour/anomaly-model';
import { readPoseTrackDir } from '../services/behaviour/pose-tracks';
import { TRAIN_DEFAULTS, progressBar } from '../services/behaviour/train-defaults';
import { selectTfjsBackend } from '../services/pose/engines/tfjs-backends';
import { exitOnError } from '../services/core/exit-codes';

const USAGE = `usage: npm run behaviour -- train --data <dir of pose-tracks/v1 json> --out <model dir> [--epochs N] [--seed N]
       npm run behaviour -- score --model <model dir> --data <dir> --out <scores.json>`;

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      data: { type: 'string' },
      out: { type: 'string' },
      model: { type: 'string' },
      epochs: { type: 'string' },
      seed: { type: 'string' },
    },
    strict: true,
  });
  await selectTfjsBackend('auto', createRootLogger('warn', process.stderr as never));
  if (command === 'train' && values.data && values.out) {
    const docs = readPoseTrackDir(values.data);
    const t0 = Date.now();
    const model = await AnomalyModel.train(docs, {
      ...TRAIN_DEFAULTS,
      epochs: values.epochs ? Number(values.epochs) : TRAIN_DEFAULTS.epochs,
      seed: values.seed ? Number(values.seed) : TRAIN_DEFAULTS.seed,
      onEpoch: (e, n, loss) =>
        process.stderr.write(
          `${process.stderr.isTTY ? '\r' : ''}train ${progressBar(e, n, `loss ${loss.toFixed(4)}`)}${process.stderr.isTTY ? '' : '\n'}`,
        ),
    });
    await model.save(values.out);
    process.stdout.write(
      `\ntrained on ${docs.length} clips, ${model.meta.trained.windows} windows in ${((Date.now() - t0) / 1000).toFixed(1)} s; model in ${values.out}\n`,
    );
    return;
  }
  if (command === 'score' && values.model && values.data && values.out) {
    const model = await AnomalyModel.load(values.model);
    const out: Record<string, number[]> = {};
    for (const doc of readPoseTrackDir(values.data))
      out[doc.clip] = Array.from(model.scoreClip(doc), (v) => Math.round(v * 1e4) / 1e4);
    writeFileSync(values.out, `${JSON.stringify(out)}\n`);
    process.stdout.write(`scored ${Object.keys(out).length} clips into ${values.out}\n`);
    return;
  }
  throw new VigilError('VIGIL_ERR_USAGE', USAGE);
}

main().catch(exitOnError);
