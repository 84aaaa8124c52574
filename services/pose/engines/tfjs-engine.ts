import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { graphModelFromFiles } from '../graph-model';
import type { PoseEngine } from './pose-engine';
import type { TfjsBackend } from './tfjs-backends';
import { useTfjsBackend } from './tfjs-backends';

/** MoveNet's tfjs graph on a tfjs backend (wasm, cpu, tfjs-node, tfjs-node-gpu). */
export class TfjsPoseEngine implements PoseEngine {
  private constructor(
    private readonly model: GraphModel,
    readonly backend: TfjsBackend,
    readonly inputWidth: number,
    readonly inputHeight: number,
  ) {}

  /** Activates the backend in this thread and builds the graph from verified file contents. */
  static async load(
    backend: TfjsBackend,
    contents: ReadonlyMap<string, Buffer>,
    graphName: string,
    inputWidth: number,
    inputHeight: number,
  ): Promise<TfjsPoseEngine> {
    await useTfjsBackend(backend);
    const model = await graphModelFromFiles(contents, graphName);
    return new TfjsPoseEngine(model, backend, inputWidth, inputHeight);
  }

  async run(input: Int32Array): Promise<Float32Array> {
    const output = tf.tidy(
      () =>
        this.model.execute(
          tf.tensor4d(input, [1, this.inputHeight, this.inputWidth, 3], 'int32'),
        ) as tf.Tensor,
    );
    try {
      return Float32Array.from((await output.data()) as Float32Array);
    } finally {
      output.dispose();
    }
  }

  async dispose(): Promise<void> {
    this.model.dispose();
  }
}
