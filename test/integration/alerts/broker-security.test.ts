import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { mosquittoAcl } from '../../../services/alerts/broker-acl';
import { mosquittoPasswordLine } from '../../../services/alerts/mosquitto-files';
import { COMMAND_FILTERS } from '../../../services/alerts/topics';
import { makeLogins, startEmbeddedBroker } from '../../helpers/broker';
import type { Login } from '../../helpers/broker';
import { captureLogger } from '../../helpers/logger';
import { requireMosquitto, startMosquitto } from '../../helpers/mosquitto';
import { freePort } from '../../helpers/ports';
import { tempDir } from '../../helpers/media';
import { privateCa } from '../../helpers/tls-ca';
import { waitFor } from '../../helpers/wait';

interface Site {
  url: string;
  vigil: Login & { clientId: string };
  clerk: Login;
  viewer: Login;
  stop(): Promise<void>;
}

async function embeddedSite(): Promise<Site> {
  const b = await startEmbeddedBroker(captureLogger().log, 'vigil');
  return { ...b, stop: () => b.broker.stop() };
}

/** Real mosquitto with the password_file and acl_file Vigil generates. */
async function mosquittoSite(): Promise<Site> {
  const { clerk, viewer } = makeLogins();
  const vigil = { username: 'vigil', password: 'vigil-secret-1', clientId: 'vigil' };
  const users = [
    { name: vigil.username, role: 'vigil' as const },
    { name: clerk.username, role: 'clerk' as const },
    { name: viewer.username, role: 'viewer' as const },
  ];
  const passwordFile = [vigil, clerk, viewer]
    .map((l) => mosquittoPasswordLine(l.username, l.password))
    .join('\n');
  const m = await startMosquitto({ passwordFile, aclFile: mosquittoAcl(users), probe: vigil });
  return { url: m.url, vigil, clerk, viewer, stop: () => m.stop() };
}

/** Connects; resolves with the client, or rejects with the broker's refusal. */
function connect(url: string, opts: mqtt.IClientOptions = {}): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, {
      reconnectPeriod: 0,
      connectTimeout: 3000,
      clientId: `t-${Math.random().toString(16).slice(2)}`,
      ...opts,
    });
    c.once('connect', () => resolve(c));
    c.once('error', (err) => {
      c.end(true);
      reject(err);
    });
    c.once('close', () => {
      c.end(true);
      reject(new Error('closed before CONNACK'));
    });
  });
}

const received = (c: MqttClient) => {
  const got: { topic: string; payload: string }[] = [];
  c.on('message', (topic, p) => got.push({ topic, payload: p.toString() }));
  return got;
};

/** Publishes and gives the broker time to deliver or drop it (a refused publish may close the client). */
async function tryPublish(c: MqttClient, topic: string, payload: string): Promise<void> {
  await Promise.race([
    c.publishAsync(topic, payload, { qos: 1 }).catch(() => undefined),
    new Promise((r) => setTimeout(r, 1500)),
  ]);
}

const sites: [string, () => Promise<Site>][] = [['the embedded broker', embeddedSite]];
if (requireMosquitto('the ACL checks on mosquitto'))
  sites.push(['mosquitto with the generated ACL', mosquittoSite]);

describe.each(sites)('%s', (_name, makeSite) => {
  let site: Site;
  const clients: MqttClient[] = [];
  const open = async (opts: mqtt.IClientOptions) => {
    const c = await connect(site.url, opts);
    clients.push(c);
    return c;
  };
  beforeEach(async () => {
    site = await makeSite();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.end(true);
    await site.stop();
  });

  test('anonymous clients and wrong passwords cannot connect', async () => {
    await expect(connect(site.url)).rejects.toThrow(/Not authorized|Bad username|refused/i);
    await expect(
      connect(site.url, { username: site.viewer.username, password: 'wrong' }),
    ).rejects.toThrow(/Not authorized|Bad username|refused/i);
  });

  test('a viewer reads alerts and publishes nothing; a clerk acks and cannot forge alerts or availability', async () => {
    const vigil = await open({ ...site.vigil });
    await vigil.subscribeAsync([...COMMAND_FILTERS], { qos: 1 });
    const toVigil = received(vigil);
    // An observer that only reads (a refused publish may cost the publisher its connection).
    const observer = await open({ ...site.viewer });
    await observer.subscribeAsync('vigil/#', { qos: 1 });
    const seen = received(observer);
    const viewer = await open({ ...site.viewer });
    const clerk = await open({ ...site.clerk });

    await vigil.publishAsync('vigil/cam/alerts', '{"real":1}', { qos: 1 });
    await waitFor('the viewer reads the alert', () => seen.some((m) => m.payload === '{"real":1}'));

    await tryPublish(viewer, 'vigil/cam/alerts', '{"forged":"viewer"}');
    await tryPublish(viewer, 'vigil/cam/alerts/a1/ack', '{"by":"viewer"}');
    const clerkAgain = clerk.connected ? clerk : await open({ ...site.clerk });
    await tryPublish(clerkAgain, 'vigil/cam/alerts', '{"forged":"clerk"}');
    await tryPublish(clerkAgain, 'vigil/available', 'offline');
    const clerkAck = clerkAgain.connected ? clerkAgain : await open({ ...site.clerk });
    await clerkAck.publishAsync('vigil/cam/alerts/a1/ack', '{"by":"ann"}', { qos: 1 });
    await waitFor('the ack reaches Vigil', () => toVigil.some((m) => m.payload === '{"by":"ann"}'));
    await vigil.publishAsync('vigil/cam/alerts', '{"marker":1}', { qos: 1 });
    await waitFor('the marker', () => seen.some((m) => m.payload === '{"marker":1}'));

    expect(seen.filter((m) => m.payload.includes('forged'))).toEqual([]);
    expect(seen.filter((m) => m.topic === 'vigil/available')).toEqual([]);
    expect(toVigil.filter((m) => m.payload.includes('viewer'))).toEqual([]);
  }, 30_000);
});

describe('the embedded broker only', () => {
  test("a login may not take Vigil's client id (it would disconnect Vigil), nor read beyond vigil/", async () => {
    const site = await embeddedSite();
    try {
      await expect(
        connect(site.url, { ...site.clerk, clientId: site.vigil.clientId }),
      ).rejects.toThrow(/Identifier rejected|refused/i);
      const c = await connect(site.url, { ...site.viewer });
      for (const filter of ['#', '$SYS/#', '+/cam/alerts'])
        await expect(c.subscribeAsync(filter)).rejects.toThrow(/Subscribe error/);
      expect((await c.subscribeAsync('vigil/#')).map((g) => g.qos)).toEqual([0]);
      c.end(true);
    } finally {
      await site.stop();
    }
  });

  test('with a certificate: MQTT over TLS on the configured host, plain MQTT on loopback only, no clear-text warning', async () => {
    const dir = tempDir('vigil-broker-tls-');
    privateCa(dir);
    const { log, lines } = captureLogger('debug');
    const tls = {
      port: await freePort(),
      cert: readFileSync(path.join(dir, 'server.pem')),
      key: readFileSync(path.join(dir, 'server.key')),
    };
    const b = await startEmbeddedBroker(log, 'vigil', '0.0.0.0', tls);
    const clients: MqttClient[] = [];
    try {
      const listening = lines().find((l) => String(l.msg).startsWith('embedded MQTT broker'))!;
      expect(listening).toMatchObject({ host: '127.0.0.1', tlsHost: '0.0.0.0', tlsPort: tls.port });
      expect(lines().filter((l) => /without TLS/.test(String(l.msg)))).toEqual([]);
      const tlsUrl = `mqtts://localhost:${tls.port}`;
      const ca = readFileSync(path.join(dir, 'ca.pem'));
      // Untrusted certificate, plain MQTT on the TLS port, anonymous over TLS: all refused.
      await expect(connect(tlsUrl, { ...b.clerk })).rejects.toThrow(/self[- ]signed|certificate/i);
      await expect(connect(`mqtt://127.0.0.1:${tls.port}`, { ...b.clerk })).rejects.toThrow();
      await expect(connect(tlsUrl, { ca })).rejects.toThrow(/Not authorized|refused|Bad user/i);
      // A clerk over TLS reads what Vigil publishes on the loopback listener.
      const clerk = await connect(tlsUrl, { ...b.clerk, ca });
      clients.push(clerk);
      const got = received(clerk);
      await clerk.subscribeAsync('vigil/#');
      const vigil = await connect(b.url, { ...b.vigil });
      clients.push(vigil);
      await vigil.publishAsync('vigil/cam/alerts', '{"over":"tls"}', { qos: 1 });
      await waitFor('the alert over TLS', () => got.length === 1, 5000);
      expect(got[0]).toEqual({ topic: 'vigil/cam/alerts', payload: '{"over":"tls"}' });
      // The plain listener answers on loopback only: not on this machine's other addresses.
      const external = Object.values(networkInterfaces())
        .flat()
        .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
      if (external)
        await expect(connect(`mqtt://${external}:${new URL(b.url).port}`, b.vigil)).rejects.toThrow(
          /ECONNREFUSED/,
        );
    } finally {
      for (const c of clients) c.end(true);
      await b.broker.stop();
    }
  });
});
