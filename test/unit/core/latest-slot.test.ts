import { LatestSlot } from '../../../services/core/latest-slot';

describe('LatestSlot', () => {
  test('the newest value wins and every replaced one counts as dropped', async () => {
    const slot = new LatestSlot<number>();
    for (let i = 1; i <= 1000; i++) slot.put(i);
    expect(await slot.take()).toBe(1000);
    expect(slot.dropped).toBe(999);
  });

  test('a waiting consumer gets the next value without a drop', async () => {
    const slot = new LatestSlot<string>();
    const taken = slot.take();
    slot.put('a');
    slot.put('b');
    expect(await taken).toBe('a');
    expect(await slot.take()).toBe('b');
    expect(slot.dropped).toBe(0);
  });

  test('with a capacity, the newest values are kept in order and the oldest dropped', async () => {
    const slot = new LatestSlot<number>(3);
    for (let i = 1; i <= 10; i++) slot.put(i);
    expect(slot.dropped).toBe(7);
    expect(await slot.take()).toBe(8);
    expect(slot.pending).toBe(2);
    expect(await slot.take()).toBe(9);
    expect(await slot.take()).toBe(10);
    expect(slot.pending).toBe(0);
    expect(() => new LatestSlot(0)).toThrow(RangeError);
  });

  test('close releases a waiting consumer and drops later puts', async () => {
    const slot = new LatestSlot<number>();
    const taken = slot.take();
    slot.close();
    expect(await taken).toBeUndefined();
    slot.put(1);
    expect(await slot.take()).toBeUndefined();
  });
});
