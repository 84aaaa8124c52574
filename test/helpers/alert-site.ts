import { AlertService } from '../../services/alerts/alert-service';
import { MqttPublisher } from '../../services/alerts/mqtt-publisher';
import { parseConfig } from '../../services/config/load';
import { systemClock } from '../../services/core/clock';
import type { Logger } from '../../services/core/logger';
import { startEmbeddedBroker } from './broker';
import { tempDir } from './media';

/**
 * An embedded broker, Vigil's publisher on it and a started AlertService for camera `cam`
 * (no cooldown): what clerk-command tests answer against. `stop` takes them down in order.
 */
export async function startAlertSite(log: Logger, clientId: string, dirPrefix: string) {
  const b = await startEmbeddedBroker(log, clientId);
  const dataDir = tempDir(dirPrefix);
  const config = parseConfig({
    dataDir,
    alerts: { zoneCooldownSeconds: 0 },
    cameras: [{ id: 'cam', source: { url: 'rtsp://127.0.0.1/none' } }],
  });
  const pub = new MqttPublisher({ url: b.url, ...b.vigil }, log);
  await pub.start();
  const alerts = new AlertService(config, pub, systemClock, log);
  await alerts.start();
  return {
    ...b,
    dataDir,
    config,
    pub,
    alerts,
    async stop() {
      await alerts.stop();
      await pub.stop();
      await b.broker.stop();
    },
  };
}
