import { RULE_NAMES } from '../behaviour/rule-event';
import type { AlertOutput } from './alert-dispatcher';
import type { AlertPayload } from './alert';
import type { Outbox } from './outbox';
import { eventsTopic, latestSnapshotTopic, ruleStateTopic, statusTopic } from './topics';

/** The rules a camera can raise (one "active now" entity each). */
export const HA_RULES = RULE_NAMES;

export interface HaCamera {
  id: string;
  name: string;
}

export interface HaMessage {
  topic: string;
  payload: string;
}

const ICONS: Record<(typeof RULE_NAMES)[number], string> = {
  loitering: 'mdi:account-clock',
  concealment: 'mdi:hand-back-right',
  intrusion: 'mdi:door-closed-lock',
  walkout: 'mdi:exit-run',
};

/** Vigil's device and entities as Home Assistant sees them (stable ids per camera). */
const deviceId = (camera: string) => `vigil_${camera}`;

/**
 * The Home Assistant MQTT discovery configs of one camera, one device with: camera online
 * (binary_sensor, connectivity), its picture tampered with (binary_sensor, tamper), each rule
 * active now (binary_sensor), people in view and
 * analysed fps (sensor, from the retained status), the latest alert's snapshot (image) and an
 * event per alert start (event, for blueprints that notify a phone). Each is retained under
 * `<prefix>/<component>/vigil_<camera>/<object>/config`. Availability: the daemon's retained
 * availability topic, and for all but "online" the camera streaming too.
 * Field names follow https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery and each
 * platform's page (binary_sensor.mqtt, sensor.mqtt, image.mqtt, event.mqtt).
 */
export function discoveryConfigs(
  prefix: string,
  cam: HaCamera,
  availability: string,
  version: string,
): HaMessage[] {
  const id = deviceId(cam.id);
  const device = {
    identifiers: [id],
    name: `Vigil ${cam.name || cam.id}`,
    manufacturer: 'Vigil',
    model: 'Edge video analytics',
    sw_version: version,
  };
  const daemon = {
    topic: availability,
    payload_available: 'online',
    payload_not_available: 'offline',
  };
  const streaming = {
    topic: statusTopic(cam.id),
    value_template: "{{ 'online' if value_json.state == 'streaming' else 'offline' }}",
  };
  const entity = (
    component: string,
    object: string,
    config: Record<string, unknown>,
    live = true,
  ) => ({
    topic: `${prefix}/${component}/${id}/${object}/config`,
    payload: JSON.stringify({
      unique_id: `${id}_${object}`,
      object_id: `${id}_${object}`,
      device,
      availability: live ? [daemon, streaming] : [daemon],
      availability_mode: 'all',
      qos: 1,
      ...config,
    }),
  });
  return [
    entity(
      'binary_sensor',
      'online',
      {
        name: 'Online',
        device_class: 'connectivity',
        state_topic: statusTopic(cam.id),
        value_template: "{{ 'ON' if value_json.state == 'streaming' else 'OFF' }}",
      },
      false,
    ),
    entity('binary_sensor', 'tampered', {
      name: 'Tampered',
      device_class: 'tamper',
      state_topic: statusTopic(cam.id),
      value_template: "{{ 'ON' if value_json.tamper else 'OFF' }}",
    }),
    ...HA_RULES.map((rule) =>
      entity('binary_sensor', rule, {
        name: `${rule[0]!.toUpperCase()}${rule.slice(1)} now`,
        state_topic: ruleStateTopic(cam.id, rule),
        payload_on: 'ON',
        payload_off: 'OFF',
        icon: ICONS[rule],
      }),
    ),
    entity('sensor', 'people', {
      name: 'People in view',
      state_topic: statusTopic(cam.id),
      value_template: '{{ value_json.people }}',
      state_class: 'measurement',
      icon: 'mdi:account-group',
    }),
    entity('sensor', 'fps', {
      name: 'Analysed fps',
      state_topic: statusTopic(cam.id),
      value_template: '{{ value_json.analysedFps }}',
      unit_of_measurement: 'fps',
      state_class: 'measurement',
      entity_category: 'diagnostic',
    }),
    entity('image', 'snapshot', {
      name: 'Latest alert',
      image_topic: latestSnapshotTopic(cam.id),
      content_type: 'image/jpeg',
    }),
    entity('event', 'alert', {
      name: 'Alert',
      state_topic: eventsTopic(cam.id),
      event_types: [...HA_RULES],
    }),
  ];
}

/** The same topics with empty retained payloads: Home Assistant removes the device. */
export function discoveryRemovals(prefix: string, camera: string): HaMessage[] {
  return discoveryConfigs(prefix, { id: camera, name: camera }, '', '').map((m) => ({
    topic: m.topic,
    payload: '',
  }));
}

/**
 * What Home Assistant reads besides the status: per camera and rule ON while an incident is open
 * (retained), the latest start's snapshot (retained JPEG) and one event per start. Through the
 * outbox like every alert, so an outage delays them and loses none.
 */
export class HomeAssistantOutput implements AlertOutput {
  private readonly open = new Map<string, Set<string>>();

  constructor(
    private readonly outbox: Outbox,
    cameras: readonly string[],
  ) {
    for (const c of cameras) for (const r of HA_RULES) this.setState(c, r, false);
  }

  sendSnapshot(camera: string, _alertId: string, jpeg: Buffer): void {
    void this.outbox.enqueue({ topic: latestSnapshotTopic(camera), payload: jpeg, retain: true });
  }

  send(a: AlertPayload): void {
    const key = `${a.camera}/${a.rule}`;
    const ids = this.open.get(key) ?? new Set<string>();
    const before = ids.size > 0;
    if (a.type === 'end') ids.delete(a.id);
    else ids.add(a.id);
    this.open.set(key, ids);
    if (before !== ids.size > 0) this.setState(a.camera, a.rule, ids.size > 0);
    if (a.type === 'start')
      void this.outbox.enqueue({
        topic: eventsTopic(a.camera),
        payload: Buffer.from(
          JSON.stringify({
            event_type: a.rule,
            id: a.id,
            camera: a.camera,
            zone: a.zoneName || a.zone,
            severity: a.severity,
            summary: a.summary,
            at: a.at,
          }),
        ),
        retain: false,
      });
  }

  private setState(camera: string, rule: string, on: boolean): void {
    void this.outbox.enqueue({
      topic: ruleStateTopic(camera, rule),
      payload: Buffer.from(on ? 'ON' : 'OFF'),
      retain: true,
    });
  }
}
