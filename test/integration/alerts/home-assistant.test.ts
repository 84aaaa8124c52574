import { Type } from '@sinclair/typebox';
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { MqttClient } from 'mqtt';
import { AlertService } from '../../../services/alerts/alert-service';
import { HA_RULES } from '../../../services/alerts/home-assistant';
import { MqttPublisher } from '../../../services/alerts/mqtt-publisher';
import { parseConfig } from '../../../services/config/load';
import { systemClock } from '../../../services/core/clock';
import type { CameraStatus } from '../../../services/core/camera-status';
import { ruleEvent } from '../../helpers/events';
import { captureLogger } from '../../helpers/logger';
import { tempDir } from '../../helpers/media';
import { requireMosquitto, startMosquitto } from '../../helpers/mosquitto';
import { recordMqtt } from '../../helpers/mqtt-recorder';
import type { Received } from '../../helpers/mqtt-recorder';
import { blackFrame, SMALL_CAM } from '../../helpers/scene';
import { contractViolation } from '../../helpers/schema-check';
import { waitFor } from '../../helpers/wait';

/*
 * Home Assistant's MQTT discovery schema, the fields Vigil uses, from the documentation
 * (https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery and each platform's page):
 * - every entity: unique_id, object_id, name, device {identifiers, name, manufacturer, model,
 *   sw_version}, availability [{topic, payload_available, payload_not_available, value_template}],
 *   availability_mode (all | any | latest), qos, icon, entity_category (config | diagnostic);
 * - binary_sensor.mqtt: state_topic (required), value_template, payload_on, payload_off,
 *   device_class (e.g. connectivity);
 * - sensor.mqtt: state_topic (required), value_template, unit_of_measurement, state_class
 *   (measurement | total | total_increasing);
 * - image.mqtt: image_topic (or url_topic), content_type;
 * - event.mqtt: state_topic (required), event_types (required), value_template; the payload
 *   is JSON with an event_type among event_types.
 * additionalProperties false: a misspelt key is an error here, as Home Assistant would ignore it.
 */
const Availability = Type.Object(
  {
    topic: Type.String({ minLength: 1 }),
    payload_available: Type.Optional(Type.String()),
    payload_not_available: Type.Optional(Type.String()),
    value_template: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
const common = {
  unique_id: Type.String({ minLength: 1 }),
  object_id: Type.String({ pattern: '^[a-z0-9_]+$' }),
  name: Type.String(),
  device: Type.Object(
    {
      identifiers: Type.Array(Type.String(), { minItems: 1 }),
      name: Type.String(),
      manufacturer: Type.String(),
      model: Type.String(),
      sw_version: Type.String(),
    },
    { additionalProperties: false },
  ),
  availability: Type.Array(Availability, { minItems: 1 }),
  availability_mode: Type.Union([Type.Literal('all'), Type.Literal('any'), Type.Literal('latest')]),
  qos: Type.Union([Type.Literal(0), Type.Literal(1), Type.Literal(2)]),
  icon: Type.Optional(Type.String({ pattern: '^mdi:' })),
  entity_category: Type.Optional(Type.Union([Type.Literal('config'), Type.Literal('diagnostic')])),
};
const SCHEMAS: Record<string, TSchema> = {
  binary_sensor: Type.Object(
    {
      ...common,
      state_topic: Type.String({ minLength: 1 }),
      value_template: Type.Optional(Type.String()),
      payload_on: Type.Optional(Type.String()),
      payload_off: Type.Optional(Type.String()),
      device_class: Type.Optional(
        Type.Union([Type.Literal('connectivity'), Type.Literal('tamper')]),
      ),
    },
    { additionalProperties: false },
  ),
  sensor: Type.Object(
    {
      ...common,
      state_topic: Type.String({ minLength: 1 }),
      value_template: Type.Optional(Type.String()),
      unit_of_measurement: Type.Optional(Type.String()),
      state_class: Type.Optional(
        Type.Union([
          Type.Literal('measurement'),
          Type.Literal('total'),
          Type.Literal('total_increasing'),
        ]),
      ),
    },
    { additionalProperties: false },
  ),
  image: Type.Object(
    {
      ...common,
      image_topic: Type.String({ minLength: 1 }),
      content_type: Type.Literal('image/jpeg'),
    },
    { additionalProperties: false },
  ),
  event: Type.Object(
    {
      ...common,
      state_topic: Type.String({ minLength: 1 }),
      event_types: Type.Array(Type.String(), { minItems: 1 }),
    },
    { additionalProperties: false },
  ),
};

/** The two template forms Vigil writes, evaluated as Home Assistant's Jinja would. */
function render(template: string | undefined, payload: string): string {
  if (template === undefined) return payload;
  const json = JSON.parse(payload) as Record<string, unknown>;
  const field = /^\{\{ value_json\.(\w+) \}\}$/.exec(template);
  if (field) return String(json[field[1]!]);
  const cond = /^\{\{ '(\w+)' if value_json\.(\w+) == '(\w+)' else '(\w+)' \}\}$/.exec(template);
  if (cond) return json[cond[2]!] === cond[3] ? cond[1]! : cond[4]!;
  // Jinja truthiness of one field: null, absent, '' and 0 are false.
  const truthy = /^\{\{ '(\w+)' if value_json\.(\w+) else '(\w+)' \}\}$/.exec(template);
  if (truthy) return json[truthy[2]!] ? truthy[1]! : truthy[3]!;
  throw new Error(`a template this test cannot check: ${template}`);
}

const status = (id: string, people: number): CameraStatus =>
  ({
    id,
    state: 'streaming',
    inputFps: 5,
    analysedFps: 4.8,
    modelFps: 4.8,
    degraded: false,
    droppedFrames: 0,
    restarts: 0,
    tracks: people,
    lastError: null,
    tamper: id === 'cam' ? 'covered' : null,
  }) as unknown as CameraStatus;

const latest = (msgs: Received[], topic: string) => msgs.filter((m) => m.topic === topic).at(-1);

(requireMosquitto('the Home Assistant discovery test') ? test : test.skip)(
  'Home Assistant discovery on real mosquitto: configs schema-valid, every state topic carries what it promises; a removed camera is cleared',
  async () => {
    const { log } = captureLogger('debug');
    const broker = await startMosquitto();
    const dataDir = tempDir('vigil-ha-');
    const site = (cameras: { id: string; name: string }[]) =>
      parseConfig({
        dataDir,
        mqtt: { url: broker.url, nodeId: 'backroom' },
        alerts: { zoneCooldownSeconds: 0 },
        cameras: cameras.map((c) => ({ ...c, source: { url: 'rtsp://127.0.0.1/none' } })),
      });
    const config = site([
      { id: 'cam', name: 'Till' },
      { id: 'door', name: 'Front door' },
    ]);
    const pub = new MqttPublisher(
      {
        url: broker.url,
        clientId: 'vigil-backroom',
        availabilityTopic: 'vigil/available/backroom',
      },
      log,
    );
    await pub.start();
    let alerts = new AlertService(config, pub, systemClock, log);
    // Per camera: online, one per rule, people, fps, the snapshot image and the alert event.
    const perCamera = HA_RULES.length + 6;
    const clients: MqttClient[] = [];
    try {
      await alerts.start();
      alerts.publishStatus(status('cam', 3));
      alerts.publishStatus(status('door', 0));
      const now = Date.now();
      const [start] = await alerts.dispatcher.dispatch(
        SMALL_CAM,
        blackFrame(),
        [],
        [ruleEvent('start', { trackId: 1, startedAtMs: now - 31_000, atMs: now })],
      );
      // Everything delivered, then a new subscriber: it sees what Home Assistant would on start.
      await waitFor('the outbox delivered', () => alerts.outbox.depth === 0);
      const live = await recordMqtt(broker.url, '#');
      clients.push(live.client);
      await waitFor(
        'the retained configs and states',
        () =>
          live.messages.filter((m) => m.topic.startsWith('homeassistant/')).length ===
          2 * perCamera,
      );
      const configs = live.messages.filter((m) => m.topic.startsWith('homeassistant/'));
      expect(configs.every((m) => m.retain)).toBe(true);
      for (const m of configs) {
        const [, component, node, object, tail] = m.topic.split('/');
        expect({ topic: m.topic, tail }).toEqual({ topic: m.topic, tail: 'config' });
        expect(node).toMatch(/^vigil_(cam|door)$/);
        const cfg = JSON.parse(m.payload.toString()) as Record<string, unknown>;
        const errors = [...Value.Errors(SCHEMAS[component!]!, cfg)].map(
          (e) => `${e.path} ${e.message}`,
        );
        expect({ topic: m.topic, errors }).toEqual({ topic: m.topic, errors: [] });
        expect(cfg.unique_id).toBe(`${node}_${object}`);

        // Each topic it names carries what it promises.
        for (const a of cfg.availability as { topic: string; value_template?: string }[]) {
          const got = latest(live.messages, a.topic);
          expect({ topic: a.topic, retained: got?.retain }).toEqual({
            topic: a.topic,
            retained: true,
          });
          expect(render(a.value_template, got!.payload.toString())).toBe('online');
        }
        const cam = node!.slice('vigil_'.length);
        if (component === 'binary_sensor' || component === 'sensor') {
          const got = latest(live.messages, cfg.state_topic as string)!;
          expect(got.retain).toBe(true);
          const value = render(cfg.value_template as string | undefined, got.payload.toString());
          const expected: Record<string, string> = {
            online: 'ON',
            tampered: cam === 'cam' ? 'ON' : 'OFF',
            people: cam === 'cam' ? '3' : '0',
            fps: '4.8',
            loitering: cam === 'cam' ? 'ON' : 'OFF',
            concealment: 'OFF',
            intrusion: 'OFF',
            walkout: 'OFF',
          };
          expect({ topic: m.topic, value }).toEqual({ topic: m.topic, value: expected[object!] });
        }
        if (component === 'image' && cam === 'cam') {
          const img = latest(live.messages, cfg.image_topic as string)!;
          expect(img.retain).toBe(true);
          expect(img.payload.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
        }
      }
      // The event entity: a start published on its state topic, with an event_type it declares.
      const eventCfg = JSON.parse(
        latest(live.messages, 'homeassistant/event/vigil_cam/alert/config')!.payload.toString(),
      ) as { state_topic: string; event_types: string[] };
      const sub = await recordMqtt(broker.url, eventCfg.state_topic);
      clients.push(sub.client);
      const [second] = await alerts.dispatcher.dispatch(
        SMALL_CAM,
        blackFrame(),
        [],
        [ruleEvent('start', { trackId: 2, startedAtMs: now - 31_000, atMs: now + 1000 })],
      );
      await waitFor('the event', () => sub.messages.length === 1);
      const ev = JSON.parse(sub.messages[0]!.payload.toString()) as Record<string, string>;
      expect(eventCfg.event_types).toContain(ev.event_type);
      expect(ev).toMatchObject({ id: second!.id, camera: 'cam', event_type: 'loitering' });
      await sub.client.endAsync();
      clients.splice(clients.indexOf(sub.client), 1);
      // Both incidents end: loitering is OFF again.
      await alerts.dispatcher.dispatch(
        SMALL_CAM,
        blackFrame(),
        [],
        [
          ruleEvent('end', { trackId: 1, startedAtMs: now - 31_000, atMs: now + 5000 }),
          ruleEvent('end', { trackId: 2, startedAtMs: now - 31_000, atMs: now + 5000 }),
        ],
      );
      await waitFor(
        'loitering OFF',
        () => latest(live.messages, 'vigil/cam/rules/loitering')?.payload.toString() === 'OFF',
      );
      expect(start).toBeDefined();
      // Every vigil/ message keeps the documented contract (docs/mqtt-schemas.json).
      const broken = live.messages
        .filter((m) => m.topic.startsWith('vigil/'))
        .map(contractViolation);
      expect(broken.filter(Boolean)).toEqual([]);
      await live.client.endAsync();
      clients.splice(clients.indexOf(live.client), 1);
      await alerts.stop();

      // The next start without "door": its device is cleared (empty retained configs).
      alerts = new AlertService(site([{ id: 'cam', name: 'Till' }]), pub, systemClock, log);
      await alerts.start();
      await waitFor(
        'door cleared',
        async () => {
          const r = await recordMqtt(broker.url, 'homeassistant/#');
          await new Promise((res) => setTimeout(res, 300));
          await r.client.endAsync();
          const topics = r.messages.filter((m) => m.payload.length > 0).map((m) => m.topic);
          return topics.length === perCamera && topics.every((t) => t.includes('/vigil_cam/'));
        },
        10_000,
        500,
      );
    } finally {
      // A client left connected would reconnect after the test environment is gone.
      for (const c of clients) await c.endAsync(true);
      await alerts.stop();
      await pub.stop();
      await broker.stop();
    }
  },
  60_000,
);
