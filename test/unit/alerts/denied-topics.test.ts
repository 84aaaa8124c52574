import { DeniedTopics } from '../../../services/alerts/denied-topics';
import { ManualClock } from '../../../services/core/clock';

const HA = 'homeassistant/binary_sensor/vigil_square/online/config';

function tracker() {
  const clock = new ManualClock(0);
  return { clock, d: new DeniedTopics(clock, { windowMs: 3000, strikes: 2 }) };
}

test("a topic whose publish costs the connection twice in a row is given up (Home Assistant's whole prefix)", () => {
  const { clock, d } = tracker();
  d.connected();
  d.sent(1, 'vigil/available');
  d.acked(1);
  d.sent(2, HA);
  d.sent(3, 'vigil/square/alerts');
  clock.advance(100);
  expect(d.closed()).toBeUndefined();
  clock.advance(2000);
  d.connected();
  d.sent(2, HA);
  clock.advance(100);
  expect(d.closed()).toEqual({ topic: HA, prefix: 'homeassistant/' });
  expect(d.isBlocked('homeassistant/sensor/vigil_x/fps/config')).toBe(true);
  expect(d.isBlocked('vigil/square/alerts')).toBe(false);
  expect(d.blockedInFlight()).toEqual([2]);
});

test('under vigil/ only the one topic is given up', () => {
  const { d } = tracker();
  for (let i = 0; i < 2; i++) {
    d.connected();
    d.sent(7, 'vigil/square/rules/loitering');
    d.closed();
  }
  expect(d.isBlocked('vigil/square/rules/loitering')).toBe(true);
  expect(d.isBlocked('vigil/square/rules/loitering/x')).toBe(false);
  expect(d.isBlocked('vigil/square/alerts')).toBe(false);
});

test.each([
  [
    'an acknowledgement between the closes',
    (d: DeniedTopics) => {
      d.connected();
      d.sent(1, HA);
      d.closed();
      d.connected();
      d.sent(1, HA);
      d.acked(1);
      d.sent(2, HA);
      d.closed();
    },
  ],
  [
    'closes long after the publish (a broker outage)',
    (d: DeniedTopics, clock: ManualClock) => {
      for (let i = 0; i < 3; i++) {
        d.connected();
        d.sent(1, HA);
        clock.advance(3001);
        d.closed();
      }
    },
  ],
  [
    'a different topic each time',
    (d: DeniedTopics) => {
      for (const t of [HA, 'homeassistant/x/config', HA]) {
        d.connected();
        d.sent(1, t);
        d.closed();
      }
    },
  ],
  [
    'a close with nothing unacknowledged on this connection',
    (d: DeniedTopics) => {
      d.connected();
      d.sent(1, HA);
      d.connected();
      d.closed();
      d.connected();
      d.closed();
    },
  ],
])('nothing is given up after %s', (_name, run) => {
  const { clock, d } = tracker();
  run(d, clock);
  expect(d.isBlocked(HA)).toBe(false);
});
