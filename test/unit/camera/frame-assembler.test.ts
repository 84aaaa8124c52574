import { FrameAssembler } from '../../../services/camera/frame-assembler';

test.each([1, 7, 12, 13, 40])(
  'frames come out whole whatever the chunk size (%s bytes)',
  (chunk) => {
    const frameBytes = 12;
    const stream = Buffer.from(Array.from({ length: frameBytes * 3 + 5 }, (_, i) => i % 256));
    const asm = new FrameAssembler(frameBytes);
    const frames: Buffer[] = [];
    for (let o = 0; o < stream.length; o += chunk)
      frames.push(...asm.push(stream.subarray(o, o + chunk)));
    expect(frames).toHaveLength(3);
    frames.forEach((f, i) =>
      expect([...f]).toEqual([...stream.subarray(i * frameBytes, (i + 1) * frameBytes)]),
    );
    expect(asm.pendingBytes).toBe(5);
  },
);

test('a frame is not overwritten by the next one (each gets its own buffer)', () => {
  const asm = new FrameAssembler(2);
  const [a] = asm.push(Buffer.from([1, 2]));
  asm.push(Buffer.from([3, 4]));
  expect([...a!]).toEqual([1, 2]);
});
