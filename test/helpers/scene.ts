/** A small black camera and frame for alert tests that need a scene but no picture. */
export const SMALL_CAM = { id: 'cam', name: 'Cam', width: 64, height: 64 };

export function blackFrame(timestampMs = Date.now()) {
  return {
    camera: 'cam',
    index: 0,
    timestampMs,
    width: 64,
    height: 64,
    rgb: Buffer.alloc(64 * 64 * 3),
  };
}
