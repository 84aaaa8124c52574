import { readlinkSync } from 'node:fs';
import os from 'node:os';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';

/**
 * Nice value of an inference thread. The main thread (frame intake, MQTT, the API) and ffmpeg
 * stay at the process's own; when the cores are full, they run first and the model takes what is
 * left, so a saturated box drops or coasts frames instead of answering late.
 */
export const WORKER_NICE = 10;

/** Linux: lowers this thread's priority alone (setpriority on a thread id). Elsewhere a no-op. */
export function lowerThreadPriority(log: Logger): void {
  if (process.platform !== 'linux') return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    os.setPriority(tid, Math.max(os.getPriority(tid), WORKER_NICE));
  } catch (err) {
    log.warn({ err: errorMessage(err) }, 'cannot lower the inference thread priority');
  }
}
