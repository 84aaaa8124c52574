import { FrameAssembler } from '../../../services/camera/frame-assembler';
import { FramePool } from '../../../services/camera/frame-pool';

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

describe('frame pool', () => {
  test('a frame given back is the buffer of a later frame; one never given back is not', () => {
    const pool = new FramePool(2);
    const asm = new FrameAssembler(2, pool);
    const [a] = asm.push(Buffer.from([1, 2]));
    const [b] = asm.push(Buffer.from([3, 4])); // assembled while `a` was still in use
    expect(b).not.toBe(a);
    pool.give(a!); // the motion gate skipped `a`
    const [c] = asm.push(Buffer.from([5, 6])); // assembled into the buffer taken before `a` came back
    const [d] = asm.push(Buffer.from([7, 8]));
    expect([c, d]).toContain(a);
    expect([...b!]).toEqual([3, 4]);
    expect(pool.reused).toBe(1);
  });

  test('holds at most `keep` buffers, ignores another size and a buffer given twice', () => {
    const pool = new FramePool(4, 2);
    const bufs = [0, 1, 2].map(() => pool.take());
    const twice = bufs[0]!;
    pool.give(twice);
    pool.give(twice);
    pool.give(Buffer.alloc(3));
    expect(pool.take()).toBe(twice);
    expect(pool.take()).not.toBe(twice); // given twice, kept once: this one is new
    bufs.forEach((b) => pool.give(b));
    expect([pool.take(), pool.take()]).toEqual([bufs[2], bufs[1]]);
    expect(pool.take()).not.toBe(bufs[0]); // the third one was over `keep`
  });
});
