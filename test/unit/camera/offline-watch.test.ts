import { ManualClock } from '../../../services/core/clock';
import { OfflineWatch } from '../../../services/camera/offline-watch';
import type { CameraHealthEvent } from '../../../services/core/camera-status';

describe('camera offline / online', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function watch(thresholdMs = 60_000) {
    const clock = new ManualClock(1_000_000);
    const events: CameraHealthEvent[] = [];
    const w = new OfflineWatch(thresholdMs, clock, (e) => events.push(e));
    const after = (ms: number) => {
      clock.advance(ms);
      jest.advanceTimersByTime(ms);
    };
    return { w, events, after };
  }

  test('down past the threshold: one offline; back: one online with the same id', () => {
    const { w, events, after } = watch();
    w.onState('streaming');
    w.onState('backoff');
    after(30_000);
    w.onState('connecting');
    w.onState('unreachable');
    expect(events).toEqual([]);
    after(30_000);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'camera_offline', state: 'unreachable' });
    after(120_000);
    expect(events).toHaveLength(1);
    w.onState('connecting');
    w.onState('streaming');
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ type: 'camera_online', id: events[0]!.id });
    expect(events[1]!.atMs - events[1]!.downSinceMs).toBe(180_000);
  });

  test('a short drop raises nothing, and the next outage counts from its own start', () => {
    const { w, events, after } = watch();
    w.onState('streaming');
    w.onState('stalled');
    after(59_000);
    w.onState('streaming');
    after(10_000);
    w.onState('backoff');
    after(59_000);
    expect(events).toEqual([]);
    after(1000);
    expect(events.map((e) => e.type)).toEqual(['camera_offline']);
  });

  test('a camera that never connects goes offline; stopping it is not an outage; 0 disables', () => {
    const first = watch();
    first.w.onState('connecting');
    first.after(60_000);
    expect(first.events).toHaveLength(1);
    first.w.onState('stopped');
    expect(first.events).toHaveLength(1);
    const off = watch(0);
    off.w.onState('unreachable');
    off.after(600_000);
    expect(off.events).toEqual([]);
  });
});
