import { writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { writeSnapshot } from '../../../services/alerts/snapshot';
import { tempDir, vtestFrame } from '../../helpers/media';
import { personAt } from '../../helpers/people';
import { rect } from '../../helpers/zones';

test('a snapshot is a JPEG of the frame with the person box drawn in red and the zone in amber', async () => {
  const file = path.join(tempDir(), 'nested/dir/s.jpg');
  const frame = {
    camera: 'c',
    index: 0,
    timestampMs: Date.UTC(2026, 0, 1),
    width: 768,
    height: 576,
    rgb: vtestFrame(100),
  };
  const person = personAt(1, 400, 300, 100);
  const zone = { name: 'Z', polygon: rect(300, 350, 600, 500) };
  await writeSnapshot({ frame, person, zone, label: 'loitering #1 Z' }, file, 90);
  const meta = await sharp(file).metadata();
  expect(meta).toMatchObject({ format: 'jpeg', width: 768, height: 576 });
  const { data } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  const px = (x: number, y: number) => [...data.subarray((y * 768 + x) * 3, (y * 768 + x) * 3 + 3)];
  const [r, g, b] = px(Math.round(person.box.x), 250); // left edge of the box
  expect(r).toBeGreaterThan(180);
  expect(g).toBeLessThan(120);
  expect(b).toBeLessThan(120);
  const [zr, zg, zb] = px(450, 350); // top edge of the zone
  expect(zr).toBeGreaterThan(180);
  expect(zg).toBeGreaterThan(140);
  expect(zb).toBeLessThan(100);
});

test('an unwritable path fails with VIGIL_ERR_SNAPSHOT_FAILED', async () => {
  const notADir = path.join(tempDir(), 'plain-file');
  writeFileSync(notADir, 'x');
  const frame = {
    camera: 'c',
    index: 0,
    timestampMs: 0,
    width: 64,
    height: 64,
    rgb: Buffer.alloc(64 * 64 * 3),
  };
  await expect(
    writeSnapshot(
      { frame, person: personAt(1, 30, 60, 40), zone: { name: 'Z', polygon: [] }, label: 'x' },
      path.join(notADir, 'sub', 's.jpg'),
      80,
    ),
  ).rejects.toMatchObject({ code: 'VIGIL_ERR_SNAPSHOT_FAILED' });
});
