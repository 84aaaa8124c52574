import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { PoseRecorder } from '../../../services/behaviour/pose-recorder';
import { parsePoseTracks, readPoseTrackDir } from '../../../services/behaviour/pose-tracks';
import { body } from '../../helpers/poses';
import { tempDir } from '../../helpers/media';

test('the daemon records pose tracks (keypoints only) as pose-tracks/v1 chunks the trainer reads', () => {
  const dir = tempDir();
  const rec = new PoseRecorder(dir, 'cam', 5, 10);
  for (let f = 0; f < 25; f++) {
    const people = [body(1, { x: 100 + f, y: 300 }), body(2, { x: 400, y: 300 })];
    if (f === 3) people.push({ ...body(9, { x: 50, y: 300 }), coasting: true });
    rec.record(100 + f, Date.UTC(2026, 0, 1, 12, 0, 0) + f * 200, people);
  }
  rec.flush();
  const files = readdirSync(dir).sort();
  expect(files).toHaveLength(3);
  const doc = parsePoseTracks(readFileSync(path.join(dir, files[0]!), 'utf8'), files[0]!);
  expect(doc).toMatchObject({
    format: 'pose-tracks/v1',
    fps: 5,
    frameCount: 10,
    keypoints: 'coco17',
  });
  expect(doc.tracks.map((t) => t.id)).toEqual(['1', '2']);
  expect(doc.tracks[0]!.frames).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(doc.tracks[0]!.keypoints[0]).toHaveLength(17);
  expect(JSON.stringify(doc)).not.toContain('rgb');
  expect(readPoseTrackDir(dir)).toHaveLength(3);
});

test('a chunk also ends at maxPoses, so a crowded camera cannot grow memory for an hour', () => {
  const dir = tempDir();
  const rec = new PoseRecorder(dir, 'cam', 5, 18_000, 30);
  for (let f = 0; f < 25; f++) {
    const people = [1, 2, 3].map((id) => body(id, { x: 100 * id + f, y: 300 }));
    rec.record(f, Date.UTC(2026, 0, 1, 12, 0, 0) + f * 200, people);
  }
  // 3 poses a frame, 30 per chunk: a file every 10 frames.
  expect(rec.files).toBe(2);
  rec.flush();
  const docs = readPoseTrackDir(dir);
  expect(docs.map((d) => d.frameCount)).toEqual([10, 10, 5]);
  const kp = docs[0]!.tracks[0]!.keypoints[0]![0]!;
  const src = body(1, { x: 100, y: 300 }).keypoints[0]!;
  expect(kp).toEqual([
    Math.round(src.x * 10) / 10,
    Math.round(src.y * 10) / 10,
    Math.round(src.score * 1000) / 1000,
  ]);
});

test('a file that is not pose-tracks/v1 is refused with its name', () => {
  expect(() => parsePoseTracks('{"format":"other"}', 'x.json')).toThrow(
    /x\.json is not pose-tracks\/v1/,
  );
});
