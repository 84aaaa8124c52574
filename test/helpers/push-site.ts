import { Registry } from 'prom-client';
import { AlertService } from '../../services/alerts/alert-service';
import { MqttPublisher } from '../../services/alerts/mqtt-publisher';
import { parseConfig } from '../../services/config/load';
import { ManualClock, systemClock } from '../../services/core/clock';
import { sha256Hex } from '../../services/core/hashing';
import type { Logger } from '../../services/core/logger';
import { startPush } from '../../services/push/start-push';
import { startEmbeddedBroker } from './broker';
import { tempDir } from './media';
import { recordMqtt } from './mqtt-recorder';

/**
 * A broker, an AlertService for camera `cam` and Web Push on it, with three logins (ann a clerk,
 * vic a viewer, boss an admin) and `extra` config. Push and escalation run on a ManualClock.
 */
export async function startPushSite(log: Logger, extra: Record<string, unknown> = {}) {
  const b = await startEmbeddedBroker(log, 'vigil-push');
  const dataDir = tempDir('vigil-push-site-');
  const config = parseConfig({
    dataDir,
    api: {
      tokens: [
        { name: 'ann', role: 'clerk', sha256: sha256Hex('ann-token') },
        { name: 'vic', role: 'viewer', sha256: sha256Hex('vic-token') },
        { name: 'boss', role: 'admin', sha256: sha256Hex('boss-token') },
      ],
    },
    push: { allowLoopbackHttp: true, timeoutSeconds: 1 },
    ...extra,
    alerts: { zoneCooldownSeconds: 0, personCooldownSeconds: 0, ...(extra.alerts as object) },
    cameras: [{ id: 'cam', source: { url: 'rtsp://127.0.0.1/none' } }],
  });
  const pub = new MqttPublisher({ url: b.url, ...b.vigil }, log);
  await pub.start();
  const alerts = new AlertService(config, pub, systemClock, log);
  await alerts.start();
  const clock = new ManualClock(Date.now());
  const registry = new Registry();
  const parts = startPush(() => config, alerts, registry, clock, log);
  const rec = await recordMqtt(b.url, 'vigil/cam/alerts', undefined, b.clerk);
  return {
    ...parts,
    config,
    dataDir,
    alerts,
    clock,
    registry,
    mqtt: rec.messages,
    async stop() {
      await rec.client.endAsync();
      await parts.stop();
      await alerts.stop();
      await pub.stop();
      await b.broker.stop();
    },
  };
}
