/**
 * Constant-velocity Kalman filter on a box as (cx, cy, aspect w/h, h), time in seconds. With a
 * diagonal process and measurement noise and H selecting positions, the 8-state filter of
 * SORT/ByteTrack splits exactly into four independent position/velocity pairs; this is that.
 * Noise scales with the box height, as in ByteTrack (1/20 of h for position, 1/160 per frame
 * for velocity, here per 0.1 s).
 */
export interface KalmanBox {
  cx: number;
  cy: number;
  a: number;
  h: number;
}

interface Axis {
  x: number;
  v: number;
  /** Covariance [[p00, p01], [p01, p11]]. */
  p00: number;
  p01: number;
  p11: number;
}

const W_POS = 1 / 20;
const W_VEL = 1 / 16; // per second: 1/160 per frame at 10 fps
const A_POS = 1e-2;
const A_VEL = 1e-5;

export class BoxKalman {
  private readonly axes: Axis[];

  constructor(box: KalmanBox) {
    const h = box.h;
    const init = (x: number, sp: number, sv: number): Axis => ({
      x,
      v: 0,
      p00: sp * sp,
      p01: 0,
      p11: sv * sv,
    });
    this.axes = [
      init(box.cx, 2 * W_POS * h, 10 * W_VEL * h),
      init(box.cy, 2 * W_POS * h, 10 * W_VEL * h),
      init(box.a, 1e-2, 1e-3),
      init(box.h, 2 * W_POS * h, 10 * W_VEL * h),
    ];
  }

  get state(): KalmanBox {
    const [cx, cy, a, h] = this.axes.map((s) => s.x) as [number, number, number, number];
    return { cx, cy, a, h };
  }

  get velocity(): { vx: number; vy: number } {
    return { vx: this.axes[0]!.v, vy: this.axes[1]!.v };
  }

  predict(dtS: number): void {
    if (dtS <= 0) return;
    const h = Math.max(this.axes[3]!.x, 1);
    const steps = dtS / 0.1;
    this.axes.forEach((s, i) => {
      const qp = i === 2 ? A_POS : W_POS * h;
      const qv = i === 2 ? A_VEL : W_VEL * h;
      s.x += s.v * dtS;
      const p00 = s.p00 + 2 * dtS * s.p01 + dtS * dtS * s.p11 + qp * qp * steps;
      const p01 = s.p01 + dtS * s.p11;
      const p11 = s.p11 + qv * qv * steps;
      Object.assign(s, { p00, p01, p11 });
    });
  }

  update(m: KalmanBox): void {
    const h = Math.max(this.axes[3]!.x, 1);
    const z = [m.cx, m.cy, m.a, m.h];
    this.axes.forEach((s, i) => {
      const r = i === 2 ? 1e-1 : W_POS * h;
      const sInv = 1 / (s.p00 + r * r);
      const k0 = s.p00 * sInv;
      const k1 = s.p01 * sInv;
      const y = z[i]! - s.x;
      s.x += k0 * y;
      s.v += k1 * y;
      const p00 = (1 - k0) * s.p00;
      const p01 = (1 - k0) * s.p01;
      const p11 = s.p11 - k1 * s.p01;
      Object.assign(s, { p00, p01, p11 });
    });
  }
}
