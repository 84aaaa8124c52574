import { AlertService } from '../../../services/alerts/alert-service';
import type { MqttPublisher } from '../../../services/alerts/mqtt-publisher';
import type { CameraHealthPayload } from '../../../services/alerts/payload-schemas';
import { OfflineWatch } from '../../../services/camera/offline-watch';
import { parseConfig } from '../../../services/config/load';
import type { CameraStatus } from '../../../services/core/camera-status';
import { ManualClock } from '../../../services/core/clock';
import type { StreamState } from '../../../services/core/stream-state';
import { captureLogger } from '../../helpers/logger';
import { tempDir } from '../../helpers/media';

/** A connected broker stand-in: every publish is acknowledged and kept. */
class FakeMqtt {
  connected = true;
  sent: { topic: string; payload: Buffer }[] = [];
  async publish(topic: string, payload: string | Buffer): Promise<void> {
    this.sent.push({ topic, payload: Buffer.from(payload) });
  }
  onConnect(fn: () => void): void {
    fn();
  }
  async subscribe(): Promise<void> {}
}

const THRESHOLD_MS = 60_000;

/** Real I/O and the outbox's promises run; jest's fake timers hold only timeouts and intervals. */
async function until<T>(what: string, check: () => T | undefined): Promise<T> {
  for (let i = 0; i < 2000; i++) {
    const v = check();
    if (v !== undefined) return v;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`never happened: ${what}`);
}

async function site() {
  const clock = new ManualClock(1_000_000);
  const mqtt = new FakeMqtt();
  const config = parseConfig({
    dataDir: tempDir('vigil-outage-unit-'),
    cameras: [{ id: 'cam', source: { url: 'rtsp://127.0.0.1/none' } }],
  });
  const alerts = new AlertService(
    config,
    mqtt as unknown as MqttPublisher,
    clock,
    captureLogger('warn').log,
  );
  await alerts.start();
  const health = () =>
    mqtt.sent
      .filter((m) => m.topic === 'vigil/cam/health')
      .map((m) => JSON.parse(m.payload.toString()) as CameraHealthPayload);
  /** One run of the camera's pipeline: status first, then its offline watch, as CameraPipeline wires them. */
  const pipeline = () => {
    let state: StreamState = 'stopped';
    const status = () =>
      ({ id: 'cam', name: 'Cam', state, lastError: null }) as unknown as CameraStatus;
    const watch = new OfflineWatch(THRESHOLD_MS, clock, (e) => alerts.publishHealth(e, status()));
    return (next: StreamState) => {
      state = next;
      alerts.publishStatus(status());
      watch.onState(next);
    };
  };
  const after = (ms: number) => {
    clock.advance(ms);
    jest.advanceTimersByTime(ms);
  };
  return { alerts, health, pipeline, after };
}

describe('a camera restarted while it is offline (config change)', () => {
  beforeEach(() =>
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'Date'] }),
  );
  afterEach(() => jest.useRealTimers());

  test('back at once: its camera_online is sent under the outage id; its next outage is announced', async () => {
    const s = await site();
    const first = s.pipeline();
    first('connecting');
    first('unreachable');
    s.after(THRESHOLD_MS);
    const offline = await until('the offline', () => s.health()[0]);
    expect(offline.type).toBe('camera_offline');
    first('stopped'); // the config change stops this pipeline...
    const second = s.pipeline(); // ...and starts a new one for the same camera
    second('connecting');
    second('streaming');
    const online = await until('the online', () => s.health()[1]);
    expect([online.type, online.id]).toEqual(['camera_online', offline.id]);
    // The next real outage is a new one, announced.
    second('backoff');
    s.after(THRESHOLD_MS);
    const next = await until('the next offline', () => s.health()[2]);
    expect(next.type).toBe('camera_offline');
    expect(next.id).not.toBe(offline.id);
    second('streaming');
    const back = await until('its online', () => s.health()[3]);
    expect([back.type, back.id]).toEqual(['camera_online', next.id]);
    await s.alerts.stop();
  });

  test('still down after the restart: not announced again, and it ends once under its first id', async () => {
    const s = await site();
    const first = s.pipeline();
    first('unreachable');
    s.after(THRESHOLD_MS);
    const offline = await until('the offline', () => s.health()[0]);
    first('stopped');
    const second = s.pipeline();
    second('connecting');
    second('unreachable');
    s.after(2 * THRESHOLD_MS);
    second('streaming');
    const online = await until('the online', () => s.health()[1]);
    expect([online.type, online.id]).toEqual(['camera_online', offline.id]);
    expect(online.downSince).toBe(offline.downSince);
    expect(s.health()).toHaveLength(2);
    await s.alerts.stop();
  });
});
