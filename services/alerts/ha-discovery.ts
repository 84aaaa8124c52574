import path from 'node:path';
import type { Config } from '../config/schema';
import type { Logger } from '../core/logger';
import { PersistedMap } from '../core/persisted-map';
import { discoveryConfigs, discoveryRemovals } from './home-assistant';
import type { Outbox } from './outbox';
import { isDiscoveryEntry } from './state-checks';
import { availabilityTopic } from './topics';

/** Home Assistant discovery on when asked, or ('auto') when the broker is not the embedded one. */
export function haDiscoveryEnabled(config: Config): boolean {
  const d = config.mqtt.homeAssistant.discovery;
  const embedded = config.mqtt.url === '' || config.mqtt.url === 'embedded';
  return d === true || (d === 'auto' && !embedded);
}

/**
 * Keeps Home Assistant's retained discovery configs equal to the configured cameras: each
 * enabled camera's device published, each camera no longer there (removed live, or since the
 * last run: remembered in dataDir/ha-discovery.json) cleared with empty retained configs.
 */
export class HaDiscovery {
  private readonly published: PersistedMap<{ prefix: string }>;
  private synced: string | undefined;

  constructor(
    private readonly outbox: Outbox,
    dataDir: string,
    private readonly version: string,
    private readonly log: Logger,
  ) {
    this.published = new PersistedMap(
      path.join(dataDir, 'ha-discovery.json'),
      log,
      'HA discovery',
      isDiscoveryEntry,
    );
  }

  /** The discovery prefixes this daemon publishes under: the last synced and the remembered ones (the outbox's allowed topic roots). */
  prefixes(): string[] {
    return [...(this.synced ? [this.synced] : []), ...this.published.values().map((p) => p.prefix)];
  }

  sync(config: Config): void {
    const on = haDiscoveryEnabled(config);
    const prefix = config.mqtt.homeAssistant.prefix;
    this.synced = prefix;
    const cams = on ? config.cameras.filter((c) => c.enabled) : [];
    const send = (topic: string, payload: string) =>
      void this.outbox.enqueue({ topic, payload: Buffer.from(payload), retain: true });
    for (const id of this.published.keys())
      if (!cams.some((c) => c.id === id) || this.published.get(id)!.prefix !== prefix) {
        for (const m of discoveryRemovals(this.published.get(id)!.prefix, id))
          send(m.topic, m.payload);
        this.published.delete(id);
        this.log.info({ camera: id }, 'Home Assistant device removed');
      }
    const available = availabilityTopic(config.mqtt.nodeId);
    for (const c of cams) {
      for (const m of discoveryConfigs(prefix, { id: c.id, name: c.name }, available, this.version))
        send(m.topic, m.payload);
      this.published.set(c.id, { prefix });
    }
    if (cams.length)
      this.log.info({ cameras: cams.length, prefix }, 'Home Assistant discovery published');
  }
}
