import {
  HARMLESS,
  OCCLUDERS,
  TAMPER_AT_S,
  TRANSFORMS,
  replayTamper,
} from '../../helpers/tamper-footage';

/**
 * Real footage (vtest.avi, PETS 2009) tampered with by ffmpeg at 20 s, and the same clip
 * untouched for 10 minutes, through the detector as the daemon runs it (5 fps, 768x576).
 */
describe('tamper detection on transformed real footage', () => {
  test.each(Object.keys(TRANSFORMS) as (keyof typeof TRANSFORMS)[])(
    '%s: one tamper alert of that kind within 5 s, none before',
    async (kind) => {
      const { events } = await replayTamper(TRANSFORMS[kind], TAMPER_AT_S + 15);
      const fired = events.filter((e) => e.type === 'tamper');
      expect(fired.map((e) => e.kind)).toEqual([kind]);
      const delayMs = fired[0]!.atMs - TAMPER_AT_S * 1000;
      expect(delayMs).toBeGreaterThanOrEqual(0);
      expect(delayMs).toBeLessThanOrEqual(5000);
      expect(events.filter((e) => e.type === 'tamper_cleared')).toEqual([]);
    },
    60_000,
  );

  // The kind a clerk reads must be the one that happened: a textured, partly lit hand once read
  // as moved or defocused.
  test.each(Object.keys(OCCLUDERS) as (keyof typeof OCCLUDERS)[])(
    '%s: one tamper alert, covered, within 5 s',
    async (what) => {
      const { filter, kind } = OCCLUDERS[what];
      const { events } = await replayTamper(filter, TAMPER_AT_S + 10);
      expect(events.map((e) => [e.type, e.kind])).toEqual([['tamper', kind]]);
      expect(events[0]!.atMs - TAMPER_AT_S * 1000).toBeGreaterThanOrEqual(0);
      expect(events[0]!.atMs - TAMPER_AT_S * 1000).toBeLessThanOrEqual(5000);
    },
    60_000,
  );

  test.each(Object.keys(HARMLESS) as (keyof typeof HARMLESS)[])(
    '%s: no tamper alert',
    async (what) => {
      const { events } = await replayTamper(HARMLESS[what], TAMPER_AT_S + 15);
      expect(events).toEqual([]);
    },
    60_000,
  );

  test('the untouched clip, looped for 10 minutes, raises nothing', async () => {
    const { frames, events } = await replayTamper(undefined, 600, 8);
    expect(frames).toBe(3000);
    expect(events).toEqual([]);
  }, 120_000);
});
