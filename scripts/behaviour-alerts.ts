import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { clipAlerts } from '../services/analysis/clip-alerts';
import type { ClipAlert, ClipResult } from '../services/analysis/clip-alerts';
import {
  falseAlertRate,
  heldOutAtBudget,
  recallAtBudgets,
  scoreEvents,
} from '../services/analysis/alert-metrics';
import type { CameraPoint, CurvePoint } from '../services/analysis/alert-metrics';
import { aucRoc } from '../services/analysis/roc';
import type { PoseScorer } from '../services/behaviour/pose-scorer';
import type { CueNorms } from '../services/behaviour/concealment-cues';
import { crossFitCueNorms, learnCueNorms } from '../services/behaviour/cue-norms';
import { readPoseTrackDir } from '../services/behaviour/pose-tracks';
import type { PoseTracks } from '../services/behaviour/pose-tracks';
import { PoseZModel, cameraOf } from '../services/behaviour/pose-zscore';
import { Z_DEFAULTS, progressBar } from '../services/behaviour/train-defaults';
import { loadConfigFile } from '../services/config/load';
import type { Config } from '../services/config/schema';
import { repoRoot } from '../services/core/package-info';
import type { Logger } from '../services/core/logger';
import { missReport } from './behaviour-misses';
import { speedScores } from './speed-score';

/** The config the alerts are judged under: --config, else the shipped defaults. */
export function evalConfig(file?: string, scoreThreshold?: number): Config {
  const c = loadConfigFile(file ?? path.join(repoRoot(), 'config', 'default.yaml'));
  if (scoreThreshold === undefined) return c;
  const b = c.behaviour;
  return { ...c, behaviour: { ...b, concealment: { ...b.concealment, scoreThreshold } } };
}

/** Every clip through the daemon's rules, with a progress bar on stderr. */
export function runClips(
  docs: readonly PoseTracks[],
  config: Config,
  log: Logger,
  label: string,
  model?: PoseScorer,
  normsOf?: NormsOf,
): Record<string, ClipResult> {
  const out: Record<string, ClipResult> = {};
  const tty = process.stderr.isTTY;
  docs.forEach((doc, i) => {
    out[doc.clip] = clipAlerts(config, doc, log, model, normsOf?.(doc));
    if (tty || i + 1 === docs.length || (i + 1) % 20 === 0)
      process.stderr.write(
        `${tty ? '\r' : ''}${label} ${progressBar(i + 1, docs.length, doc.clip)}${tty ? '' : '\n'}`,
      );
  });
  if (tty) process.stderr.write('\n');
  return out;
}

/** The concealment cue norms a clip is analysed with (undefined: the built-in ones). */
export type NormsOf = (doc: PoseTracks) => CueNorms | undefined;

/**
 * The site's own normal, as `behaviour train` learns it from the normal clips (cue-norms.ts): a
 * labelled clip uses its camera's norms from all of them; a normal clip, on which false alerts
 * are counted, norms from the other half of its camera's clips.
 */
export function siteNorms(normal: readonly PoseTracks[]): { dev: NormsOf; normal: NormsOf } {
  const all = learnCueNorms(normal);
  return { dev: (d) => all[cameraOf(d)], normal: crossFitCueNorms(normal) };
}

const alertsOf = (r: Record<string, ClipResult>): Record<string, ClipAlert[]> =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.alerts]));

/** npm run behaviour -- alerts: {clip: [{frame, rule, severity, score}]} for every clip. */
export function writeAlerts(
  dataDir: string,
  out: string,
  config: Config,
  log: Logger,
  model?: PoseScorer,
): number {
  const docs = readPoseTrackDir(dataDir);
  const alerts = alertsOf(runClips(docs, config, log, 'alerts', model));
  writeFileSync(out, `${JSON.stringify(alerts)}\n`);
  return Object.values(alerts).reduce((s, a) => s + a.length, 0);
}

function frameAuc(docs: readonly PoseTracks[], score: (d: PoseTracks) => ArrayLike<number>) {
  const s: number[] = [];
  const l: number[] = [];
  for (const d of docs) {
    const v = score(d);
    d.labels!.frames.forEach((x, i) => {
      s.push(v[i] ?? 0);
      l.push(x);
    });
  }
  return aucRoc(s, l);
}

/** Thresholds of the trade-off curve (concealment score, body units). */
const SWEEP = [-0.5, 0, 0.25, 0.375, 0.5, 0.6, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3];
/** Budgets of false alerts per camera-hour the held-out cameras are judged at. */
const HELD_OUT_BUDGETS = [2, 5];
const BUDGETS = [1, 2, 5, 10, 20];
const f3 = (v: number) => v.toFixed(3);
const f1 = (v: number) => v.toFixed(1);

function operatingPoint(
  dev: readonly PoseTracks[],
  normal: readonly PoseTracks[],
  config: Config,
  log: Logger,
  label: string,
  norms?: { dev: NormsOf; normal: NormsOf },
) {
  const d = runClips(dev, config, log, `${label} dev`, undefined, norms?.dev);
  const n = runClips(normal, config, log, `${label} normal`, undefined, norms?.normal);
  const events = scoreEvents(dev, alertsOf(d));
  const fa = falseAlertRate(normal, alertsOf(n));
  const cams = [...new Set(dev.map((x) => cameraOf(x)))];
  const byCamera: CameraPoint = {
    threshold: config.behaviour.concealment.scoreThreshold,
    dev: Object.fromEntries(
      cams.map((c) => {
        const e = scoreEvents(
          dev.filter((x) => cameraOf(x) === c),
          alertsOf(d),
        );
        return [c, { events: e.events, caught: e.caught }];
      }),
    ),
    normal: Object.fromEntries(
      Object.entries(fa.perCamera).map(([c, v]) => [c, { alerts: v.alerts, hours: v.hours }]),
    ),
  };
  return { devRuns: d, events, fa, byCamera };
}

/**
 * npm run behaviour -- eval (and bench:behaviour): alerts as a clerk gets them on labelled clips
 * (events caught, precision) and normal clips (false alerts per camera-hour), the trade-off
 * curve, frame AUC-ROC of the concealment score per held-out camera next to the older scores.
 */
export function evaluate(
  devDir: string,
  normalDir: string,
  configFile: string | undefined,
  log: Logger,
  cueNorms: 'site' | 'builtin' = 'site',
): Record<string, unknown> {
  const dev = readPoseTrackDir(devDir);
  const normal = readPoseTrackDir(normalDir);
  const config = evalConfig(configFile);
  const threshold = config.behaviour.concealment.scoreThreshold;
  const norms = cueNorms === 'site' ? siteNorms(normal) : undefined;
  const def = operatingPoint(dev, normal, config, log, 'default', norms);
  const points: CameraPoint[] = [];
  const curve: CurvePoint[] = SWEEP.map((t) => {
    const p = operatingPoint(dev, normal, evalConfig(configFile, t), log, `threshold ${t}`, norms);
    points.push(p.byCamera);
    return {
      threshold: t,
      recall: p.events.caught / Math.max(1, p.events.events),
      precision: p.events.trueAlerts / Math.max(1, p.events.alerts),
      falsePerHour: p.fa.overall,
      worstFalsePerHour: p.fa.worst.perHour,
    };
  });
  const cams = [...new Set(dev.map((d) => cameraOf(d)))].sort();
  const zModel = PoseZModel.train(normal, Z_DEFAULTS);
  const scorers = {
    concealment: (d: PoseTracks) => def.devRuns[d.clip]!.scores,
    poseZ: (d: PoseTracks) => zModel.scoreClip(d),
    speed: speedScores,
  };
  const auc = Object.fromEntries(
    Object.entries(scorers).map(([k, f]) => [
      k,
      {
        all: frameAuc(dev, f),
        ...Object.fromEntries(
          cams.map((c) => [
            c,
            frameAuc(
              dev.filter((d) => cameraOf(d) === c),
              f,
            ),
          ]),
        ),
      },
    ]),
  ) as unknown as Record<keyof typeof scorers, Record<string, number>>;
  const heldOut = cams.map((c) => auc.concealment[c]!);
  const recall = def.events.caught / Math.max(1, def.events.events);
  const precision = def.events.trueAlerts / Math.max(1, def.events.alerts);
  const w = (s: string) => process.stdout.write(`${s}\n`);
  w(
    `\nAlerts as a clerk gets them (the daemon's rules and incident policy, clip fps, virtual clock)`,
  );
  w(
    cueNorms === 'site'
      ? `concealment cues scored against each camera's own normal, learned from the normal clips (a normal clip: from the other half of its camera's clips)`
      : `concealment cues scored against the built-in normal (a camera with no recordings yet)`,
  );
  w(
    `labelled: ${dev.length} clips of cameras ${cams.join(', ')}; normal: ${normal.length} clips, ${f1(Object.values(def.fa.perCamera).reduce((s, c) => s + c.hours * 60, 0))} camera-minutes`,
  );
  w(`\nDefault operating point (behaviour.concealment.scoreThreshold ${threshold}):`);
  w(
    `  theft events caught  ${def.events.caught}/${def.events.events} = ${(100 * recall).toFixed(0)} %`,
  );
  w(
    `  alert precision      ${def.events.trueAlerts}/${def.events.alerts} = ${(100 * precision).toFixed(0)} %`,
  );
  w(
    `  false alerts per camera-hour on normal clips: overall ${f1(def.fa.overall)}, worst camera ${def.fa.worst.camera} ${f1(def.fa.worst.perHour)}`,
  );
  for (const [c, v] of Object.entries(def.fa.perCamera))
    w(
      `    camera ${c.padEnd(4)} ${String(v.alerts).padStart(4)} alerts in ${f1(v.hours * 60).padStart(5)} min = ${f1(v.perHour).padStart(6)} /h`,
    );
  w(
    `\nTrade-off curve (score threshold: recall, precision, false alerts per camera-hour overall / worst camera):`,
  );
  for (const p of curve)
    w(
      `  ${String(p.threshold).padStart(5)}  recall ${f3(p.recall)}  precision ${f3(p.precision)}  false/h ${f1(p.falsePerHour).padStart(6)} / ${f1(p.worstFalsePerHour).padStart(6)}`,
    );
  const budgets = recallAtBudgets(curve, BUDGETS);
  w(`  recall at ${budgets.map((b) => `${b.falsePerHour}/h: ${f3(b.recall)}`).join(', ')}`);
  w(
    `\nFrame AUC-ROC per held-out camera (nothing in the concealment score is fitted on labels; pose-z learns each camera's normal from the normal clips):`,
  );
  w(
    `  ${'score'.padEnd(14)}${cams.map((c) => c.padStart(8)).join('')}${'mean'.padStart(8)}${'worst'.padStart(8)}${'all'.padStart(8)}`,
  );
  for (const [k, v] of Object.entries(auc)) {
    const vals = cams.map((c) => v[c]!);
    w(
      `  ${k.padEnd(14)}${vals.map((x) => f3(x).padStart(8)).join('')}${f3(vals.reduce((a, b) => a + b, 0) / vals.length).padStart(8)}${f3(Math.min(...vals)).padStart(8)}${f3(v.all!).padStart(8)}`,
    );
  }
  const misses = missReport(
    dev,
    config,
    def.devRuns,
    (c, label) => runClips(dev, c, log, label, undefined, norms?.dev),
    w,
  );
  const heldOut2 = HELD_OUT_BUDGETS.flatMap((b) => cams.map((c) => heldOutAtBudget(points, c, b)));
  w(
    `\nLeave one camera out: the threshold chosen on the other cameras (their events, their normal clips' false alerts within the budget), judged on the held-out camera:`,
  );
  for (const b of HELD_OUT_BUDGETS) {
    const rows = heldOut2.filter((r) => r.budget === b);
    const rec = rows.map((r) => r.caught / Math.max(1, r.events));
    w(
      `  <= ${b} false/h: ${rows.map((r) => `${r.camera} ${r.caught}/${r.events} at ${r.threshold ?? '-'} (${f1(r.falsePerHour)} false/h)`).join(', ')}; mean ${f3(rec.reduce((a, x) => a + x, 0) / rec.length)}, worst ${f3(Math.min(...rec))}`,
    );
  }
  const summary = {
    bench: 'behaviour-alerts',
    cueNorms,
    scoreThreshold: threshold,
    events: def.events.events,
    caught: def.events.caught,
    recall,
    precision,
    falseAlertsPerCameraHour: def.fa.overall,
    worstCamera: def.fa.worst,
    perCamera: Object.fromEntries(Object.entries(def.fa.perCamera).map(([c, v]) => [c, v.perHour])),
    recallAt: Object.fromEntries(budgets.map((b) => [`${b.falsePerHour}/h`, b.recall])),
    curve,
    frameAuc: auc,
    heldOutAlerts: heldOut2,
    misses: misses.counts,
    eventVerdicts: misses.verdicts,
    heldOutAuc: {
      mean: heldOut.reduce((a, b) => a + b, 0) / heldOut.length,
      worst: Math.min(...heldOut),
    },
  };
  return summary;
}
