import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFile } from '../services/analysis/offline-analyzer';
import type { AnalyzeProgress } from '../services/analysis/offline-analyzer';
import { probeMedia, progressText } from '../services/analysis/probe-media';
import { resolveFfmpeg } from '../services/camera/ffmpeg-binary';
import { loadConfigFile, parseConfig } from '../services/config/load';
import type { Config } from '../services/config/schema';
import { VigilError } from '../services/core/errors';
import { createRootLogger } from '../services/core/logger';
import { loadPoseEstimator, modelCacheDir } from '../services/pose/load-estimator';
import { exitOnError } from '../services/core/exit-codes';

const USAGE = `usage: npm run analyze -- --input <video> [--config <yaml>] [--camera <id>] [--every-frame]
       [--tracks-out <file>] [--detections-out <file>] [--alerts-out <file>] [--max-frames <n>]
       [--model-every <n>]
Runs the live pipeline on a file as fast as possible. Zones and thresholds come from the camera
of --config (the first one, or --camera); without --config, defaults and no zones.
--model-every N: the model sees every Nth analysed frame and the tracker predicts the others, as
a busy daemon does (inference.coastWhenBusy): accuracy at that operating point, on any clip.`;

function cli() {
  const { values } = parseArgs({
    options: {
      input: { type: 'string', short: 'i' },
      config: { type: 'string', short: 'c' },
      camera: { type: 'string' },
      'every-frame': { type: 'boolean', default: false },
      'tracks-out': { type: 'string' },
      'detections-out': { type: 'string' },
      'alerts-out': { type: 'string' },
      'max-frames': { type: 'string' },
      'model-every': { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (!values.input) throw new VigilError('VIGIL_ERR_USAGE', USAGE);
  if (!existsSync(values.input))
    throw new VigilError('VIGIL_ERR_INPUT_MISSING', `input ${values.input} does not exist`);
  return values as typeof values & { input: string };
}

function positiveInt(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0)
    throw new VigilError('VIGIL_ERR_USAGE', `${name} must be a positive integer`);
  return n;
}

function configFor(input: string, file: string | undefined): Config {
  const source = { url: path.resolve(input), realtime: false };
  if (!file) return parseConfig({ logLevel: 'warn', cameras: [{ id: 'input', source }] });
  return loadConfigFile(file);
}

/** A line rewritten in place on a terminal; a plain line every 10 s in logs and CI. */
function progressPrinter(total: number | undefined): (p: AnalyzeProgress) => void {
  let lastLine = 0;
  return (p) => {
    const text = `analyze: ${progressText(p.frames, p.elapsedMs, total)}`;
    if (process.stderr.isTTY) process.stderr.write(`\r${text}   `);
    else if (p.elapsedMs - lastLine >= 10_000) {
      lastLine = p.elapsedMs;
      process.stderr.write(`${text}\n`);
    }
  };
}

/** Frames the run will analyse (the clip's length at the analysis rate, capped by --max-frames). */
function expectedFrames(
  args: { input: string; 'every-frame'?: boolean; 'max-frames'?: string },
  analysisFps: number | undefined,
  ffmpegPath: string,
): number | undefined {
  const media = probeMedia(args.input, ffmpegPath);
  if (!media) return undefined;
  const fps = args['every-frame'] || !analysisFps ? media.fps : Math.min(analysisFps, media.fps);
  const n = Math.round(media.durationS * fps);
  const max = args['max-frames'] === undefined ? Infinity : Number(args['max-frames']);
  return Math.min(n, max);
}

async function main(): Promise<void> {
  const args = cli();
  const config = configFor(args.input, args.config);
  const camera = args.camera ? config.cameras.find((c) => c.id === args.camera) : config.cameras[0];
  if (!camera)
    throw new VigilError('VIGIL_ERR_USAGE', `no camera "${args.camera}" in ${args.config}`);
  const modelEvery = positiveInt(args['model-every'], '--model-every');
  const log = createRootLogger(
    config.logLevel === 'info' ? 'warn' : config.logLevel,
    process.stderr as never,
  );
  const { estimator, backend } = await loadPoseEstimator(
    config.inference,
    log,
    modelCacheDir(config.dataDir),
  );
  const ffmpeg = resolveFfmpeg();
  process.stderr.write(
    `analyze: ${args.input} on ${backend.name}, ${args['every-frame'] ? 'every frame' : `${camera.analysis.fps} fps`}, ${camera.analysis.width}x${camera.analysis.height}${modelEvery > 1 ? `, model on every ${modelEvery}th analysed frame` : ''}\n`,
  );
  const result = await analyzeFile(
    { config, camera, estimator, ffmpeg, log },
    {
      input: args.input,
      everyFrame: args['every-frame'],
      modelEvery,
      tracksOut: args['tracks-out'],
      detectionsOut: args['detections-out'],
      alertsOut: args['alerts-out'],
      maxFrames:
        args['max-frames'] === undefined
          ? undefined
          : positiveInt(args['max-frames'], '--max-frames'),
      onProgress: progressPrinter(expectedFrames(args, camera.analysis.fps, ffmpeg.path)),
    },
  );
  if (process.stderr.isTTY) process.stderr.write('\n');
  process.stdout.write(
    `analysed ${result.frames} frames in ${(result.elapsedMs / 1000).toFixed(1)} s (${result.fps.toFixed(2)} frames/s): ` +
      `${result.detections} detections, ${result.trackIds} tracks, ${result.alerts} alert messages\n`,
  );
  await estimator.dispose();
}

main().catch(exitOnError);
