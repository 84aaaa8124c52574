import { letterboxInput } from '../../../services/pose/movenet-input';

const image = (width: number, height: number, f: (x: number, y: number, c: number) => number) => {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++) rgb[(y * width + x) * 3 + c] = f(x, y, c);
  return { width, height, rgb };
};

test('an image of the input size is copied as it is, and the rest of the input is zero', () => {
  const img = image(4, 2, (x, y, c) => 10 * x + y + c + 1);
  const { input, box } = letterboxInput(img, 4, 4);
  expect(box).toEqual({ scale: 1, width: 4, height: 2 });
  expect(Array.from(input.subarray(0, 24))).toEqual(Array.from(img.rgb));
  expect(input.subarray(24).every((v) => v === 0)).toBe(true);
});

test('a larger image is scaled by bilinear interpolation (no half-pixel centres), rounded half up', () => {
  // 4 columns 0, 10, 20, 30 into 2: columns sample x = 0 and 2 (scale 2), no blending.
  const cols = letterboxInput(
    image(4, 4, (x) => x * 10),
    2,
    2,
  ).input;
  expect(Array.from(cols.filter((_, i) => i % 3 === 0))).toEqual([0, 20, 0, 20]);
  // 3 columns 0, 5, 10 into 2: x = 0 and 1.5, which blends 5 and 10 to 7.5 and rounds to 8.
  const half = letterboxInput(
    image(3, 3, (x) => x * 5),
    2,
    2,
  ).input;
  expect(half[3]).toBe(8);
  // 2.5 rounds up to 3.
  const halfUp = letterboxInput(
    image(3, 3, (x) => [0, 5, 0][x]!),
    2,
    2,
  ).input;
  expect(halfUp[3]).toBe(3);
  // x = 4 exactly (8 columns into 2): the source pixel itself, nothing blended in.
  const exact = letterboxInput(
    image(8, 8, (x) => (x < 4 ? 0 : 200)),
    2,
    2,
  ).input;
  expect(exact[3]).toBe(200);
});

test('a reused buffer is cleared: a smaller second image leaves nothing of the first', () => {
  const out = new Int32Array(4 * 4 * 3);
  letterboxInput(
    image(4, 4, () => 200),
    4,
    4,
    out,
  );
  const { input } = letterboxInput(
    image(4, 1, () => 7),
    4,
    4,
    out,
  );
  expect(input).toBe(out);
  expect(input.filter((v) => v === 200)).toHaveLength(0);
  expect(input.filter((v) => v === 7)).toHaveLength(12);
});
