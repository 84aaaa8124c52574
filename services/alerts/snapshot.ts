import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { Frame, Detection } from '../core/types';
import type { Point } from '../core/geometry';
import { VigilError } from '../core/errors';
import { DIR_MODE, FILE_MODE } from '../core/state-file';
import type { Rect } from './head-blur';
import { personCrop } from './person-crop';

export interface SnapshotScene {
  frame: Frame;
  person: Detection;
  zone: { name: string; polygon: Point[] };
  label: string;
}

const esc = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * SVG overlay: the zone, the person's box and keypoints, a label and the frame time. `scale`
 * draws analysis-frame coordinates onto a larger image (a main-stream still).
 */
export function overlaySvg(
  s: SnapshotScene,
  scale: { width: number; height: number; sx: number; sy: number } = {
    width: s.frame.width,
    height: s.frame.height,
    sx: 1,
    sy: 1,
  },
): string {
  const { width, height, sx, sy } = scale;
  const X = (v: number) => (v * sx).toFixed(1);
  const Y = (v: number) => (v * sy).toFixed(1);
  const line = Math.max(2, Math.round(2 * sx));
  const poly = s.zone.polygon.map((p) => `${X(p.x)},${Y(p.y)}`).join(' ');
  const b = s.person.box;
  const dots = s.person.keypoints
    .filter((k) => k.score >= 0.3)
    .map(
      (k) => `<circle cx="${X(k.x)}" cy="${Y(k.y)}" r="${(2.5 * sx).toFixed(1)}" fill="#00e5ff"/>`,
    )
    .join('');
  const font = Math.max(12, Math.round(height / 36));
  const time = new Date(s.frame.timestampMs).toISOString().replace('T', ' ').slice(0, 19);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<polygon points="${poly}" fill="rgba(255,200,0,0.18)" stroke="#ffc800" stroke-width="${line}"/>
<rect x="${X(b.x)}" y="${Y(b.y)}" width="${X(b.w)}" height="${Y(b.h)}" fill="none" stroke="#ff2d2d" stroke-width="${line + 1}"/>
${dots}
<rect x="0" y="0" width="${width}" height="${font + 10}" fill="rgba(0,0,0,0.55)"/>
<text x="6" y="${font + 2}" font-family="sans-serif" font-size="${font}" fill="#ffffff">${esc(`${time} UTC  ${s.label}`)}</text>
</svg>`;
}

/**
 * The same scene drawn on a full-resolution still of the camera (main stream or snapshot URI),
 * taken just after the analysed frame: the evidence a clerk can zoom into.
 */
export async function writeFullSnapshot(
  scene: SnapshotScene,
  still: Buffer,
  file: string,
  quality: number,
  /** Head regions in analysis-frame pixels, blurred on the still (privacy.blurHeads). */
  heads: readonly Rect[] = [],
): Promise<Buffer> {
  try {
    await mkdir(path.dirname(file), { recursive: true, mode: DIR_MODE });
    const meta = await sharp(still).metadata();
    const width = meta.width ?? 0;
    const height = meta.height ?? 0;
    if (!width || !height) throw new Error('the still has no size');
    const sx = width / scene.frame.width;
    const sy = height / scene.frame.height;
    const svg = overlaySvg(scene, { width, height, sx, sy });
    const blurs = [];
    for (const r of heads) {
      const left = Math.max(0, Math.floor(r.x * sx));
      const top = Math.max(0, Math.floor(r.y * sy));
      const w = Math.min(width - left, Math.ceil(r.w * sx));
      const h = Math.min(height - top, Math.ceil(r.h * sy));
      if (w < 2 || h < 2) continue;
      const input = await sharp(still)
        .extract({ left, top, width: w, height: h })
        .blur(Math.max(8, Math.min(w, h) / 4))
        .toBuffer();
      blurs.push({ input, left, top });
    }
    const jpeg = await sharp(still)
      .composite([...blurs, { input: Buffer.from(svg), top: 0, left: 0 }])
      .jpeg({ quality })
      .toBuffer();
    await writeJpeg(file, jpeg);
    return jpeg;
  } catch (err) {
    throw new VigilError(
      'VIGIL_ERR_SNAPSHOT_FAILED',
      `cannot write full snapshot ${file}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/**
 * Renders the scene to a JPEG file (directories created as needed); `outWidth` 0 keeps the frame
 * size. With `cropFile`, the person's crop from the same picture is written there too.
 */
export async function writeSnapshot(
  scene: SnapshotScene,
  file: string,
  quality: number,
  outWidth = 0,
  cropFile?: string,
): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true, mode: DIR_MODE });
    const { width, height, rgb } = scene.frame;
    const composed = await sharp(rgb, { raw: { width, height, channels: 3 } })
      .composite([{ input: Buffer.from(overlaySvg(scene)), top: 0, left: 0 }])
      .removeAlpha()
      .raw()
      .toBuffer();
    let img = sharp(composed, { raw: { width, height, channels: 3 } });
    if (outWidth > 0 && outWidth !== width) img = img.resize({ width: outWidth });
    await writeJpeg(file, await img.jpeg({ quality, mozjpeg: false }).toBuffer());
    if (cropFile)
      await writeJpeg(
        cropFile,
        await personCrop(composed, width, height, scene.person.box, quality),
      );
  } catch (err) {
    throw new VigilError(
      'VIGIL_ERR_SNAPSHOT_FAILED',
      `cannot write snapshot ${file}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/** Writes a JPEG private to this user; a write the disk refuses (full) leaves no partial file behind. */
async function writeJpeg(file: string, jpeg: Buffer): Promise<void> {
  try {
    await writeFile(file, jpeg, { mode: FILE_MODE });
  } catch (err) {
    await rm(file, { force: true });
    throw err;
  }
}

/** The live view: every tracked person's box and id, and every zone, on the frame, as JPEG. */
export async function renderScene(
  frame: Frame,
  people: readonly { trackId: number; box: { x: number; y: number; w: number; h: number } }[],
  zones: readonly { name: string; polygon: Point[] }[],
  quality = 75,
): Promise<Buffer> {
  const { width, height } = frame;
  const polys = zones
    .map(
      (z) =>
        `<polygon points="${z.polygon.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ')}" fill="rgba(255,200,0,0.15)" stroke="#ffc800" stroke-width="2"/>`,
    )
    .join('');
  const boxes = people
    .map(
      (p) =>
        `<rect x="${p.box.x.toFixed(1)}" y="${p.box.y.toFixed(1)}" width="${p.box.w.toFixed(1)}" height="${p.box.h.toFixed(1)}" fill="none" stroke="#00e5ff" stroke-width="2"/><text x="${p.box.x.toFixed(1)}" y="${(p.box.y - 3).toFixed(1)}" font-family="sans-serif" font-size="14" fill="#00e5ff">#${p.trackId}</text>`,
    )
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${polys}${boxes}</svg>`;
  return sharp(frame.rgb, { raw: { width, height, channels: 3 } })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .jpeg({ quality })
    .toBuffer();
}
