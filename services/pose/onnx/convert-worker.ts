import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../../core/errors';
import { convertMoveNet } from './convert-movenet';
import type { Int8Build } from './convert-movenet';

/**
 * A one-off worker thread for a conversion: tfjs's wasm heap, which grows to hold the graph's
 * intermediate tensors and never shrinks, goes away with the thread.
 */
export interface ConvertJob {
  files: [string, Uint8Array][];
  graphName: string;
  width: number;
  height: number;
  int8?: Int8Build;
}

export type ConvertResult = { ok: true; bytes: Uint8Array } | { ok: false; message: string };

async function run(): Promise<void> {
  const job = workerData as ConvertJob;
  const contents = new Map(job.files.map(([k, v]) => [k, Buffer.from(v)]));
  try {
    const bytes = await convertMoveNet(contents, job.graphName, job.width, job.height, job.int8);
    parentPort!.postMessage({ ok: true, bytes } satisfies ConvertResult);
  } catch (err) {
    parentPort!.postMessage({ ok: false, message: errorMessage(err) } satisfies ConvertResult);
  }
}

void run();
