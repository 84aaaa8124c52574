import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TrackedPerson } from '../core/types';
import type { PoseTracks } from './pose-tracks';

type Kp = [number, number, number];

/**
 * Records a camera's pose tracks (poses only, never pixels) in pose-tracks/v1, one file per
 * chunk of `chunkFrames` analysed frames, so the site can train its own anomaly model
 * (`npm run behaviour -- train --data <dataDir>/pose-tracks/<camera>`).
 */
export class PoseRecorder {
  private tracks = new Map<number, { frames: number[]; keypoints: Kp[][] }>();
  private firstFrame = -1;
  private firstMs = 0;
  private frames = 0;
  files = 0;

  constructor(
    private readonly dir: string,
    private readonly camera: string,
    private readonly fps: number,
    private readonly chunkFrames = 18_000,
  ) {}

  record(frameIndex: number, timestampMs: number, people: readonly TrackedPerson[]): void {
    if (this.firstFrame < 0) {
      this.firstFrame = frameIndex;
      this.firstMs = timestampMs;
    }
    const f = frameIndex - this.firstFrame;
    for (const p of people) {
      if (p.coasting) continue;
      let t = this.tracks.get(p.trackId);
      if (!t) this.tracks.set(p.trackId, (t = { frames: [], keypoints: [] }));
      t.frames.push(f);
      t.keypoints.push(
        p.keypoints.map((k) => [
          Math.round(k.x * 10) / 10,
          Math.round(k.y * 10) / 10,
          Math.round(k.score * 1000) / 1000,
        ]),
      );
    }
    if (++this.frames >= this.chunkFrames) this.flush();
  }

  /** Writes the current chunk (atomically) and starts a new one; returns the file or undefined. */
  flush(): string | undefined {
    if (this.frames === 0) return undefined;
    const stamp = new Date(this.firstMs).toISOString().replace(/[:.]/g, '-');
    const doc: PoseTracks = {
      format: 'pose-tracks/v1',
      clip: `${this.camera}-${stamp}`,
      fps: this.fps,
      frameCount: this.frames,
      keypoints: 'coco17',
      tracks: [...this.tracks.entries()]
        .filter(([, t]) => t.frames.length >= 2)
        .map(([id, t]) => ({ id: String(id), frames: t.frames, keypoints: t.keypoints })),
    };
    mkdirSync(this.dir, { recursive: true });
    const file = path.join(this.dir, `${doc.clip}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(doc));
    renameSync(`${file}.tmp`, file);
    this.tracks = new Map();
    this.firstFrame = -1;
    this.frames = 0;
    this.files++;
    return file;
  }
}
