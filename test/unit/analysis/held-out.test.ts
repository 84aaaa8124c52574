import { heldOutAtBudget } from '../../../services/analysis/alert-metrics';
import type { CameraPoint } from '../../../services/analysis/alert-metrics';

/** An operating point: events caught per labelled camera (of 10 each), false alerts per normal camera (1 hour each). */
const point = (threshold: number, caught: Record<string, number>, alerts: Record<string, number>) =>
  ({
    threshold,
    dev: Object.fromEntries(Object.entries(caught).map(([c, n]) => [c, { events: 10, caught: n }])),
    normal: Object.fromEntries(
      Object.entries(alerts).map(([c, n]) => [c, { alerts: n, hours: 1 }]),
    ),
  }) as CameraPoint;

// Lower thresholds catch more and cry wolf more; camera x is noisy on its own footage.
const CURVE = [
  point(0, { x: 9, y: 8 }, { x: 40, y: 30, z: 30 }),
  point(0.5, { x: 6, y: 5 }, { x: 12, y: 4, z: 4 }),
  point(1, { x: 3, y: 2 }, { x: 6, y: 1, z: 1 }),
  point(2, { x: 1, y: 0 }, { x: 0, y: 0, z: 0 }),
];

describe('leave one camera out at a budget of false alerts per camera-hour', () => {
  test.each([
    // Held out x: y and z allow 0.5 within 5/h (4 per hour each); x caught 6 there, at 12/h on its own footage.
    ['x', 5, { threshold: 0.5, events: 10, caught: 6, falsePerHour: 12 }],
    // Held out y: x and z average (12+4)/2 = 8/h at 0.5, over 5: 1 is chosen (3.5/h).
    ['y', 5, { threshold: 1, events: 10, caught: 2, falsePerHour: 1 }],
    // Within 2/h on x and z, only 2 is left... 1 averages 3.5/h: over budget.
    ['y', 2, { threshold: 2, events: 10, caught: 0, falsePerHour: 0 }],
    // A budget nothing meets: no threshold, nothing caught.
    ['x', -1, { threshold: null, events: 10, caught: 0, falsePerHour: 0 }],
  ])('held out %s within %d/h', (held, budget, want) => {
    expect(heldOutAtBudget(CURVE, held, budget)).toEqual({ camera: held, budget, ...want });
  });

  test('ties on the other cameras go to the lower threshold (the budget is spent, not left unused)', () => {
    const flat = [
      point(0.5, { x: 4, y: 0 }, { x: 3, y: 1 }),
      point(1, { x: 2, y: 0 }, { x: 0, y: 0 }),
    ];
    expect(heldOutAtBudget(flat, 'x', 5)).toMatchObject({ threshold: 0.5, caught: 4 });
  });
});
