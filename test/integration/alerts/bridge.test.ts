import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import mqtt from 'mqtt';
import { AlertService } from '../../../services/alerts/alert-service';
import { centralAclForSite, mosquittoBridgeConf } from '../../../services/alerts/mosquitto-bridge';
import { mosquittoPasswordLine } from '../../../services/alerts/mosquitto-files';
import { MqttPublisher } from '../../../services/alerts/mqtt-publisher';
import type { AlertPayload } from '../../../services/alerts/payload-schemas';
import { parseConfig } from '../../../services/config/load';
import { systemClock } from '../../../services/core/clock';
import { ruleEvent } from '../../helpers/events';
import { captureLogger } from '../../helpers/logger';
import { tempDir } from '../../helpers/media';
import { MOSQUITTO, requireMosquitto } from '../../helpers/mosquitto';
import { freePort } from '../../helpers/ports';
import { blackFrame, SMALL_CAM } from '../../helpers/scene';
import { privateCa } from '../../helpers/tls-ca';
import { waitFor } from '../../helpers/wait';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CUT_MS = 60_000;

/** A mosquitto on its own config file; `restart` brings it back on the same port and store. */
function broker(conf: string) {
  let proc: ChildProcess | undefined;
  const start = () => (proc = spawn(MOSQUITTO, ['-c', conf], { stdio: 'ignore' }));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!proc || proc.exitCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  return { start, stop };
}

/**
 * A store's mosquitto bridged to a central one, both real, with the bridge section Vigil
 * generates: TLS and the store's own login at the centre, its topics under vigil/<site>/ there.
 * The centre is stopped for 60 s while alerts fire; every alert arrives once it is back, in
 * order; an ack sent at the centre reaches the store's Vigil and its echo comes back.
 */
(requireMosquitto('the two-broker bridge test') ? test : test.skip)(
  'store to centre bridge: a 60 s cut of the centre loses nothing, keeps the order, and an ack from the centre round-trips',
  async () => {
    const { log } = captureLogger('info');
    const dir = tempDir('vigil-bridge-');
    chmodSync(dir, 0o755);
    privateCa(dir);
    const site = 'store-12';
    const [centralPort, sitePort] = [await freePort(), await freePort()];
    const sitePw = 'site-secret-12';
    const hq = { username: 'hq', password: 'hq-console-secret' };
    const write = (name: string, text: string) => {
      writeFileSync(path.join(dir, name), text);
      chmodSync(path.join(dir, name), 0o644);
      return path.join(dir, name);
    };
    const store = (name: string) => {
      const d = path.join(dir, name);
      mkdirSync(d);
      chmodSync(d, 0o777);
      return d;
    };
    const centralConf = write(
      'central.conf',
      [
        `listener ${centralPort} 127.0.0.1`,
        `cafile ${dir}/ca.pem`,
        `certfile ${dir}/server.pem`,
        `keyfile ${dir}/server.key`,
        'allow_anonymous false',
        `password_file ${write('central.pw', `${mosquittoPasswordLine(`site-${site}`, sitePw)}\n${mosquittoPasswordLine(hq.username, hq.password)}\n`)}`,
        `acl_file ${write('central.acl', `${centralAclForSite(site, `site-${site}`)}\nuser hq\ntopic read vigil/#\ntopic write vigil/+/+/alerts/+/ack\n`)}`,
        'persistence true',
        `persistence_location ${store('central-db')}/`,
        '',
      ].join('\n'),
    );
    const siteConf = write(
      'site.conf',
      [
        `listener ${sitePort} 127.0.0.1`,
        'allow_anonymous true',
        `persistence_location ${store('site-db')}/`,
        mosquittoBridgeConf({
          site,
          central: `localhost:${centralPort}`,
          username: `site-${site}`,
          password: sitePw,
          cafile: `${dir}/ca.pem`,
        }),
      ].join('\n'),
    );
    const central = broker(centralConf);
    const local = broker(siteConf);
    central.start();
    local.start();
    const siteUrl = `mqtt://127.0.0.1:${sitePort}`;
    const pub = new MqttPublisher({ url: siteUrl, clientId: 'vigil' }, log);
    const config = parseConfig({
      dataDir: tempDir('vigil-bridge-data-'),
      mqtt: { url: siteUrl },
      alerts: { zoneCooldownSeconds: 0 },
      cameras: [{ id: 'cam', source: { url: 'rtsp://127.0.0.1/none' } }],
    });
    const alerts = new AlertService(config, pub, systemClock, log);
    // The central console: a persistent session, so it too misses nothing across the cut.
    const received: AlertPayload[] = [];
    let hqClient: mqtt.MqttClient | undefined;
    try {
      await waitFor(
        'the site broker',
        async () => {
          await pub.start();
          return pub.connected;
        },
        15_000,
        500,
      );
      await alerts.start();
      hqClient = await waitFor(
        'the central broker',
        () =>
          mqtt
            .connectAsync(`mqtts://localhost:${centralPort}`, {
              ...hq,
              ca: readFileSync(path.join(dir, 'ca.pem')),
              clientId: 'hq-console',
              clean: false,
              reconnectPeriod: 1000,
            })
            .catch(() => undefined),
        15_000,
        500,
      );
      hqClient.on('message', (_t, p) => received.push(JSON.parse(p.toString()) as AlertPayload));
      await hqClient.subscribeAsync(`vigil/${site}/+/alerts`, { qos: 1 });

      const sent: string[] = [];
      let track = 0;
      const fire = async () => {
        const now = Date.now();
        const [a] = await alerts.dispatcher.dispatch(
          SMALL_CAM,
          blackFrame(),
          [],
          [ruleEvent('start', { trackId: ++track, startedAtMs: now - 31_000, atMs: now })],
        );
        sent.push(a!.id);
      };
      await fire();
      await waitFor('the bridge carrying the first alert', () => received.length >= 1, 30_000);

      await central.stop(); // the WAN link is gone
      const cutAt = Date.now();
      while (Date.now() - cutAt < CUT_MS - 5000) {
        await fire();
        await sleep(8000);
      }
      await sleep(Math.max(0, CUT_MS - (Date.now() - cutAt)));
      central.start();
      const starts = () => received.filter((a) => a.type === 'start').map((a) => a.id);
      await waitFor(
        'every alert after the cut',
        () => sent.every((id) => starts().includes(id)),
        60_000,
        500,
      );
      // In order, and duplicates only as QoS 1 may make them (the same message again).
      const firstSeen = [...new Set(starts())];
      expect(firstSeen).toEqual(sent);
      expect(sent.length).toBeGreaterThanOrEqual(7);

      // An ack sent at the centre reaches the store's Vigil; its echo comes back.
      const last = sent.at(-1)!;
      await hqClient.publishAsync(
        `vigil/${site}/cam/alerts/${last}/ack`,
        JSON.stringify({ by: 'hq' }),
        {
          qos: 1,
        },
      );
      await waitFor(
        'the ack echoed at the centre',
        () => received.some((a) => a.id === last && a.type === 'update' && a.ack?.by === 'hq'),
        30_000,
      );
    } finally {
      await hqClient?.endAsync(true);
      await alerts.stop();
      await pub.stop();
      await local.stop();
      await central.stop();
    }
  },
  240_000,
);
