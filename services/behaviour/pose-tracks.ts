import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { VigilError } from '../core/errors';

/** `pose-tracks/v1`: poses of people over time, no pixels (../shared/README.md, docs). */
const Kp = Type.Tuple([Type.Number(), Type.Number(), Type.Number()]);

export const PoseTracksSchema = Type.Object({
  format: Type.Literal('pose-tracks/v1'),
  clip: Type.String(),
  /** The camera it was recorded on (else read from the clip name, e.g. poselift-02_0216: 02). */
  camera: Type.Optional(Type.String()),
  /** When frame 0 was captured (Vigil's own recordings); tune replays them in real time. */
  startedAt: Type.Optional(Type.String()),
  fps: Type.Number({ exclusiveMinimum: 0 }),
  frameCount: Type.Integer({ minimum: 0 }),
  keypoints: Type.Literal('coco17'),
  tracks: Type.Array(
    Type.Object({
      id: Type.String(),
      frames: Type.Array(Type.Integer({ minimum: 0 })),
      keypoints: Type.Array(Type.Array(Kp, { minItems: 17, maxItems: 17 })),
      /** Per frame: ms since startedAt (exact capture times), and the person's box [x, y, w, h]. */
      timesMs: Type.Optional(Type.Array(Type.Number({ minimum: 0 }))),
      boxes: Type.Optional(
        Type.Array(Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()])),
      ),
    }),
  ),
  labels: Type.Optional(Type.Object({ kind: Type.String(), frames: Type.Array(Type.Number()) })),
});

export type PoseTracks = Static<typeof PoseTracksSchema>;
export type PoseTrack = PoseTracks['tracks'][number];

/** Parses and checks a pose-tracks/v1 document; `name` is used in the error. */
export function parsePoseTracks(text: string, name: string): PoseTracks {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new VigilError('VIGIL_ERR_INPUT_MISSING', `${name} is not JSON`, { cause: err });
  }
  const first = Value.Errors(PoseTracksSchema, v).First();
  if (first)
    throw new VigilError(
      'VIGIL_ERR_INPUT_MISSING',
      `${name} is not pose-tracks/v1: ${first.path} ${first.message}`,
    );
  const doc = v as PoseTracks;
  for (const t of doc.tracks) {
    const n = t.frames.length;
    if ((t.timesMs && t.timesMs.length !== n) || (t.boxes && t.boxes.length !== n))
      throw new VigilError(
        'VIGIL_ERR_INPUT_MISSING',
        `${name}: track ${t.id} has ${n} frames but other lengths of times or boxes`,
      );
    if (t.frames.length !== t.keypoints.length)
      throw new VigilError(
        'VIGIL_ERR_INPUT_MISSING',
        `${name}: track ${t.id} has ${t.frames.length} frames but ${t.keypoints.length} poses`,
      );
  }
  return doc;
}

/** Every *.json pose-tracks/v1 file of a folder, sorted by name. */
export function readPoseTrackDir(dir: string): PoseTracks[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort();
  } catch (err) {
    throw new VigilError('VIGIL_ERR_INPUT_MISSING', `cannot read pose tracks folder ${dir}`, {
      cause: err,
    });
  }
  if (names.length === 0)
    throw new VigilError('VIGIL_ERR_INPUT_MISSING', `no *.json pose tracks in ${dir}`);
  return names.map((n) =>
    parsePoseTracks(readFileSync(path.join(dir, n), 'utf8'), path.join(dir, n)),
  );
}
