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

  test('close releases a waiting consumer and drops later puts', async () => {
    const slot = new LatestSlot<number>();
    const taken = slot.take();
    slot.close();
    expect(await taken).toBeUndefined();
    slot.put(1);
    expect(await slot.take()).toBeUndefined();
  });
});
