import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MqttPublisher } from '../../../services/alerts/mqtt-publisher';
import { captureLogger } from '../../helpers/logger';
import { privateCa } from '../../helpers/tls-ca';
import { tempDir } from '../../helpers/media';
import { MOSQUITTO, requireMosquitto } from '../../helpers/mosquitto';
import { freePort } from '../../helpers/ports';
import { waitFor } from '../../helpers/wait';

(requireMosquitto('the MQTT TLS test') ? test : test.skip)(
  'mqtts:// to a broker with a private CA: refused without mqtt.caFile, connected with it',
  async () => {
    const dir = tempDir('vigil-tls-');
    privateCa(dir);
    const port = await freePort();
    writeFileSync(
      path.join(dir, 'm.conf'),
      [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        `cafile ${dir}/ca.pem`,
        `certfile ${dir}/server.pem`,
        `keyfile ${dir}/server.key`,
      ].join('\n') + '\n',
    );
    chmodSync(path.join(dir, 'm.conf'), 0o644);
    const broker = spawn(MOSQUITTO, ['-c', path.join(dir, 'm.conf')], { stdio: 'ignore' });
    const url = `mqtts://localhost:${port}`;
    const { log, lines } = captureLogger('debug');
    const trusted = new MqttPublisher(
      { url, clientId: 'vigil-tls', tls: { ca: readFileSync(path.join(dir, 'ca.pem')) } },
      log,
    );
    const untrusted = new MqttPublisher({ url, clientId: 'vigil-tls-2' }, log);
    try {
      await waitFor(
        'the trusted client connected',
        async () => {
          if (!trusted.connected) {
            await trusted.stop().catch(() => undefined);
            await trusted.start();
          }
          return trusted.connected;
        },
        20_000,
        500,
      );
      await untrusted.start(); // gives up waiting after 5 s, keeps retrying
      expect(untrusted.connected).toBe(false);
      const warns = lines().filter((l) => l.msg === 'MQTT error; retrying every 2 s');
      expect(warns.length).toBeGreaterThanOrEqual(1);
      expect(String(warns[0]!.err)).toMatch(/self[- ]signed|unable to verify|certificate/i);
      // Repeated failures are not a warning every 2 s.
      expect(warns.length).toBeLessThanOrEqual(2);
    } finally {
      await trusted.stop().catch(() => undefined);
      await untrusted.stop().catch(() => undefined);
      broker.kill('SIGTERM');
    }
  },
  60_000,
);
