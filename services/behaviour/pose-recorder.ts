import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TrackedPerson } from '../core/types';
import type { PoseTracks } from './pose-tracks';

type Kp = [number, number, number];
type Box4 = [number, number, number, number];

/** A pose as 17 x (x, y, score), packed: 204 bytes instead of ~1 KB of small arrays. */
const POSE_VALUES = 17 * 3;

/**
 * Records a camera's pose tracks (poses, boxes and capture times, never pixels) in pose-tracks/v1,
 * one file per chunk, so the site can train its own anomaly model
 * (`npm run behaviour -- train --data <dataDir>/pose-tracks/<camera>`). A chunk ends after
 * `chunkFrames` analysed frames or `maxPoses` recorded poses, whichever comes first: memory stays
 * bounded (about 2 MB by default) and a file is at most 10 minutes old at 5 fps however many people a camera sees.
 */
export class PoseRecorder {
  private tracks = new Map<
    number,
    { frames: number[]; poses: Float32Array[]; times: number[]; boxes: Float32Array[] }
  >();
  private firstFrame = -1;
  private firstMs = 0;
  private frames = 0;
  private poses = 0;
  files = 0;

  constructor(
    private readonly dir: string,
    private readonly camera: string,
    private readonly fps: number,
    private readonly chunkFrames = 3000,
    private readonly maxPoses = 10_000,
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
      if (!t) this.tracks.set(p.trackId, (t = { frames: [], poses: [], times: [], boxes: [] }));
      const pose = new Float32Array(POSE_VALUES);
      p.keypoints.forEach((k, i) => pose.set([k.x, k.y, k.score], i * 3));
      t.frames.push(f);
      t.poses.push(pose);
      t.times.push(Math.max(0, Math.round(timestampMs - this.firstMs)));
      t.boxes.push(Float32Array.of(p.box.x, p.box.y, p.box.w, p.box.h));
      this.poses++;
    }
    if (++this.frames >= this.chunkFrames || this.poses >= this.maxPoses) this.flush();
  }

  /** Writes the current chunk (atomically) and starts a new one; returns the file or undefined. */
  flush(): string | undefined {
    if (this.frames === 0) return undefined;
    const stamp = new Date(this.firstMs).toISOString().replace(/[:.]/g, '-');
    const doc: PoseTracks = {
      format: 'pose-tracks/v1',
      clip: `${this.camera}-${stamp}`,
      camera: this.camera,
      startedAt: new Date(this.firstMs).toISOString(),
      fps: this.fps,
      frameCount: this.frames,
      keypoints: 'coco17',
      tracks: [...this.tracks.entries()]
        .filter(([, t]) => t.frames.length >= 2)
        .map(([id, t]) => ({
          id: String(id),
          frames: t.frames,
          keypoints: t.poses.map(unpack),
          timesMs: t.times,
          boxes: t.boxes.map((b) => [...b].map((v) => Math.round(v * 10) / 10) as Box4),
        })),
    };
    const file = path.join(this.dir, `${doc.clip}.json`);
    // The chunk is over whether or not the disk takes it: a full disk costs one chunk and one
    // thrown write per chunk, never a throw on every frame after it.
    this.tracks = new Map();
    this.firstFrame = -1;
    this.frames = 0;
    this.poses = 0;
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      writeFileSync(`${file}.tmp`, JSON.stringify(doc), { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
    } catch (err) {
      rmSync(`${file}.tmp`, { force: true });
      throw err;
    }
    this.files++;
    return file;
  }
}

function unpack(pose: Float32Array): Kp[] {
  const out: Kp[] = [];
  for (let i = 0; i < POSE_VALUES; i += 3)
    out.push([
      Math.round(pose[i]! * 10) / 10,
      Math.round(pose[i + 1]! * 10) / 10,
      Math.round(pose[i + 2]! * 1000) / 1000,
    ]);
  return out;
}
