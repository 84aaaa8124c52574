import { existsSync } from 'node:fs';
import path from 'node:path';
import { aucPr, aucRoc } from '../services/analysis/roc';
import { AnomalyModel } from '../services/behaviour/anomaly-model';
import { meanKeypointSpeed } from '../services/behaviour/pose-features';
import type { Pose } from '../services/behaviour/pose-features';
import { readPoseTrackDir } from '../services/behaviour/pose-tracks';
import type { PoseTracks } from '../services/behaviour/pose-tracks';
import { TRAIN_DEFAULTS, progressBar } from '../services/behaviour/train-defaults';
import { createRootLogger } from '../services/core/logger';
import { repoRoot } from '../services/core/package-info';
import { selectTfjsBackend } from '../services/pose/engines/tfjs-backends';

/**
 * npm run bench:behaviour: trains the pose anomaly model on PoseLift train/ (normal only), scores
 * dev/, and prints frame-level AUC-ROC and AUC-PR next to the trivial speed baseline and the
 * published figures. Ends with one line of JSON.
 */
const DATA = path.resolve(repoRoot(), '../shared/data/poselift');
const PUBLISHED = { 'STG-NF': 0.675, TSGAD: 0.634, GEPC: 0.606, Shopformer: 0.692 };

/** The baseline of ../shared/README.md: the fastest person's mean keypoint speed per frame. */
function speedScores(doc: PoseTracks): Float32Array {
  const s = new Float32Array(doc.frameCount);
  for (const t of doc.tracks) {
    for (let i = 1; i < t.frames.length; i++) {
      const dt = (t.frames[i]! - t.frames[i - 1]!) / doc.fps;
      const v = meanKeypointSpeed(t.keypoints[i - 1] as Pose, t.keypoints[i] as Pose, dt);
      const f = t.frames[i]!;
      if (v > s[f]!) s[f] = v;
    }
  }
  return s;
}

function flatten(docs: PoseTracks[], score: (d: PoseTracks) => Float32Array) {
  const scores: number[] = [];
  const labels: number[] = [];
  for (const d of docs) {
    const s = score(d);
    d.labels!.frames.forEach((l, i) => {
      scores.push(s[i] ?? 0);
      labels.push(l);
    });
  }
  return { scores, labels };
}

async function main(): Promise<void> {
  if (!existsSync(DATA)) {
    process.stderr.write(
      `bench:behaviour needs ${DATA} (../shared is not here); nothing measured\n`,
    );
    process.exit(2);
  }
  const backend = await selectTfjsBackend(
    'auto',
    createRootLogger('warn', process.stderr as never),
  );
  const train = readPoseTrackDir(path.join(DATA, 'train'));
  const dev = readPoseTrackDir(path.join(DATA, 'dev'));
  const t0 = Date.now();
  const model = await AnomalyModel.train(train, {
    ...TRAIN_DEFAULTS,
    onEpoch: (e, n, loss) =>
      process.stderr.write(
        `${process.stderr.isTTY ? '\r' : ''}train ${progressBar(e, n, `loss ${loss.toFixed(4)}`)}${process.stderr.isTTY ? '' : '\n'}`,
      ),
  });
  const trainS = (Date.now() - t0) / 1000;
  const ours = flatten(dev, (d) => model.scoreClip(d));
  const base = flatten(dev, speedScores);
  const rows = [
    {
      name: 'vigil pose autoencoder',
      roc: aucRoc(ours.scores, ours.labels),
      pr: aucPr(ours.scores, ours.labels),
    },
    {
      name: 'baseline: fastest person speed',
      roc: aucRoc(base.scores, base.labels),
      pr: aucPr(base.scores, base.labels),
    },
  ];
  const positives = ours.labels.filter((l) => l === 1).length;
  process.stdout.write(
    `\nPoseLift dev: ${dev.length} clips, ${ours.labels.length} frames (${positives} shoplifting); trained on ${train.length} normal clips, ${model.meta.trained.windows} windows, ${TRAIN_DEFAULTS.epochs} epochs in ${trainS.toFixed(0)} s on ${backend}\n\n`,
  );
  process.stdout.write(`${'method'.padEnd(40)}${'AUC-ROC'.padStart(9)}${'AUC-PR'.padStart(9)}\n`);
  for (const r of rows)
    process.stdout.write(
      `${r.name.padEnd(40)}${r.roc.toFixed(3).padStart(9)}${r.pr.toFixed(3).padStart(9)}\n`,
    );
  for (const [k, v] of Object.entries(PUBLISHED))
    process.stdout.write(
      `${`published ${k} (full test set)`.padEnd(40)}${v.toFixed(3).padStart(9)}${'-'.padStart(9)}\n`,
    );
  process.stdout.write(
    `(chance AUC-PR = positive rate ${(positives / ours.labels.length).toFixed(3)})\n\n`,
  );
  process.stdout.write(
    `${JSON.stringify({
      bench: 'behaviour',
      devFrames: ours.labels.length,
      positiveRate: positives / ours.labels.length,
      trainSeconds: trainS,
      backend,
      vigil: { aucRoc: rows[0]!.roc, aucPr: rows[0]!.pr },
      baselineSpeed: { aucRoc: rows[1]!.roc, aucPr: rows[1]!.pr },
      published: PUBLISHED,
    })}\n`,
  );
  model.dispose();
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:behaviour failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
