import { existsSync } from 'node:fs';
import path from 'node:path';
import type * as Ort from 'onnxruntime-node';
import type { PoseEngine } from './pose-engine';

export type OnnxBackend = 'onnx' | 'onnx-cuda' | 'onnx-tensorrt';

/** ONNX Runtime execution providers per backend, best first (TensorRT falls back to CUDA). */
const PROVIDERS: Record<OnnxBackend, string[]> = {
  onnx: ['cpu'],
  'onnx-cuda': ['cuda'],
  'onnx-tensorrt': ['tensorrt', 'cuda'],
};

/** The shared library a GPU provider needs, inside onnxruntime-node's binary folder. */
export const PROVIDER_LIBRARY: Partial<Record<OnnxBackend, string>> = {
  'onnx-cuda': 'libonnxruntime_providers_cuda.so',
  'onnx-tensorrt': 'libonnxruntime_providers_tensorrt.so',
};

function bindingDir(arch: string): string {
  const pkg = path.dirname(require.resolve('onnxruntime-node/package.json'));
  return path.join(pkg, 'bin', 'napi-v6', process.platform, arch);
}

/**
 * Why a GPU provider cannot run here, before ONNX Runtime is asked (its own failure is a long
 * log line): npm's onnxruntime-node ships the CPU provider only. On x64 the CUDA and TensorRT ones
 * are fetched at install with ONNXRUNTIME_NODE_INSTALL=cuda12 (the GPU image does so); on arm64
 * (Jetson) ONNX Runtime and its binding must be built for the GPU (docker/Dockerfile.jetson).
 */
export function missingProvider(
  backend: OnnxBackend,
  arch: string = process.arch,
): string | undefined {
  const lib = PROVIDER_LIBRARY[backend];
  if (!lib || existsSync(path.join(bindingDir(arch), lib))) return undefined;
  const fix =
    arch === 'arm64'
      ? 'on a Jetson, build docker/Dockerfile.jetson with ENGINE=tensorrt or cuda'
      : 'install onnxruntime-node with ONNXRUNTIME_NODE_INSTALL=cuda12 on a GPU box';
  return `${lib} is not installed (${fix})`;
}

/**
 * MoveNet converted to ONNX, on ONNX Runtime: one session, one intra-op thread that does not spin
 * (on a busy box spinning threads steal the core other workers need), sequential execution,
 * every graph optimisation.
 */
export class OnnxPoseEngine implements PoseEngine {
  private constructor(
    private readonly ort: typeof Ort,
    private readonly session: Ort.InferenceSession,
    readonly backend: OnnxBackend,
    readonly inputWidth: number,
    readonly inputHeight: number,
  ) {}

  static async load(
    backend: OnnxBackend,
    model: Uint8Array,
    inputWidth: number,
    inputHeight: number,
    threads = 1,
  ): Promise<OnnxPoseEngine> {
    const missing = missingProvider(backend);
    if (missing) throw new Error(missing);
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(model, {
      executionProviders: PROVIDERS[backend],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
    return new OnnxPoseEngine(ort, session, backend, inputWidth, inputHeight);
  }

  async run(input: Int32Array): Promise<Float32Array> {
    const tensor = new this.ort.Tensor('int32', input, [1, this.inputHeight, this.inputWidth, 3]);
    const out = await this.session.run({ input: tensor });
    const data = out.output?.data;
    if (!(data instanceof Float32Array)) throw new Error('the ONNX model gave no float output');
    return data;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
