import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock';
import type { CameraHealthEvent } from '../core/camera-status';
import type { StreamState } from '../core/stream-state';

/**
 * Turns state changes into at most one `camera_offline` per outage, once the camera has been
 * down (any state but streaming, stopped or ended) for `thresholdMs`, and one `camera_online` when it
 * streams again after that. Short drops raise nothing: the reconnect ladder handles them.
 */
export class OfflineWatch {
  private downSinceMs: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private raised: string | undefined;
  private state: StreamState = 'stopped';

  constructor(
    private readonly thresholdMs: number,
    private readonly clock: Clock,
    private readonly emit: (e: CameraHealthEvent) => void,
  ) {}

  onState(state: StreamState): void {
    this.state = state;
    const now = this.clock.now();
    if (state === 'streaming' || state === 'stopped' || state === 'ended') {
      clearTimeout(this.timer);
      this.timer = undefined;
      if (state === 'streaming' && this.raised && this.downSinceMs !== undefined)
        this.emit({
          id: this.raised,
          type: 'camera_online',
          downSinceMs: this.downSinceMs,
          atMs: now,
          state,
        });
      this.raised = undefined;
      this.downSinceMs = undefined;
      return;
    }
    if (this.downSinceMs !== undefined || this.thresholdMs <= 0) return;
    this.downSinceMs = now;
    this.timer = setTimeout(() => this.fire(), this.thresholdMs);
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    if (this.downSinceMs === undefined) return;
    this.raised = randomUUID();
    this.emit({
      id: this.raised,
      type: 'camera_offline',
      downSinceMs: this.downSinceMs,
      atMs: this.clock.now(),
      state: this.state,
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
