import type { InferenceConfig } from '../../config/schema';
import { VigilError, errorMessage } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { ModelManifestEntry, VerifiedModelFiles } from '../model-files';
import { int8VariantFor } from '../onnx/int8-calibration';
import { onnxModelFor } from '../onnx/onnx-model-cache';
import type { OnnxModelFile } from '../onnx/onnx-model-cache';
import { OnnxPoseEngine } from './onnx-engine';
import type { OnnxBackend } from './onnx-engine';
import { BACKEND_ORDER, engineOf } from './pose-engine';
import type { BackendChoice, ConcreteBackend, PoseEngine } from './pose-engine';
import { TfjsPoseEngine } from './tfjs-engine';
import type { TfjsBackend } from './tfjs-backends';

export interface EngineSource {
  entry: ModelManifestEntry;
  files: VerifiedModelFiles;
  /** Where ONNX conversions are cached (<dataDir>/models). */
  cacheDir: string;
  /** Where the int8 calibration is read (default: the repo's models/). */
  modelsDir?: string;
}

export interface LoadedEngine {
  engine: PoseEngine;
  choice: BackendChoice;
  onnx?: Pick<OnnxModelFile, 'file' | 'sha256' | 'pinned' | 'converted'>;
}

/**
 * Loads the pose model on the configured backend, or for `auto` on the first of BACKEND_ORDER
 * that loads and answers a blank frame. The ONNX model is converted (or read from the cache) once
 * per precision: `precision: int8` applies to the `onnx` (CPU) backend only; the GPU providers get
 * the fp32 model (int8 QDQ on them has never run here). A forced backend that fails is
 * VIGIL_ERR_BACKEND_UNAVAILABLE, or the conversion's own error.
 */
export async function loadEngine(
  cfg: InferenceConfig,
  src: EngineSource,
  log: Logger,
): Promise<LoadedEngine> {
  const order = cfg.backend === 'auto' ? BACKEND_ORDER : [cfg.backend];
  const skipped: BackendChoice['skipped'] = [];
  const models = new Map<boolean, Promise<OnnxModelFile>>();
  const onnxModel = (backend: ConcreteBackend) => {
    const int8 = cfg.precision === 'int8' && backend === 'onnx';
    let model = models.get(int8);
    if (!model) {
      const variant = int8 ? int8VariantFor(src.entry, src.modelsDir) : undefined;
      const { inputWidth: w, inputHeight: h } = cfg;
      model = onnxModelFor(src.entry, src.files, w, h, src.cacheDir, log, variant);
      models.set(int8, model);
    }
    return model;
  };
  for (const name of order) {
    try {
      const engine = await open(name, cfg, src, onnxModel);
      await engine.run(new Int32Array(cfg.inputWidth * cfg.inputHeight * 3));
      const choice = { name, skipped };
      log.info({ backend: name, skipped }, `inference backend: ${name}`);
      const file = engineOf(name) === 'onnx' ? await onnxModel(name) : undefined;
      return {
        engine,
        choice,
        onnx: file && {
          file: file.file,
          sha256: file.sha256,
          pinned: file.pinned,
          converted: file.converted,
        },
      };
    } catch (err) {
      const isConversion =
        err instanceof VigilError && err.code !== 'VIGIL_ERR_BACKEND_UNAVAILABLE';
      if (cfg.backend !== 'auto' && isConversion) throw err;
      if (isConversion) log.warn({ backend: name, err: err.message }, 'ONNX model unavailable');
      skipped.push({ name, reason: errorMessage(err).split('\n')[0] ?? 'failed' });
    }
  }
  throw new VigilError(
    'VIGIL_ERR_BACKEND_UNAVAILABLE',
    `no inference backend could be loaded (${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')})`,
  );
}

async function open(
  name: ConcreteBackend,
  cfg: InferenceConfig,
  src: EngineSource,
  onnxModel: (backend: ConcreteBackend) => Promise<OnnxModelFile>,
): Promise<PoseEngine> {
  const { inputWidth: w, inputHeight: h } = cfg;
  if (engineOf(name) === 'tfjs')
    return TfjsPoseEngine.load(name as TfjsBackend, src.files.contents, src.entry.graph, w, h);
  return OnnxPoseEngine.load(name as OnnxBackend, (await onnxModel(name)).bytes, w, h);
}
