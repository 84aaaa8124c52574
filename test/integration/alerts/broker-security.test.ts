import { readFileSync } from 'node:fs';
import path from 'node:path';
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { mosquittoAcl } from '../../../services/alerts/broker-acl';
import { mosquittoPasswordLine } from '../../../services/alerts/mosquitto-files';
import { COMMAND_FILTERS } from '../../../services/alerts/topics';
import { execFileSync } from 'node:child_process';
import { parse } from 'yaml';
import { DEFAULT_BROKER_LIMITS, EmbeddedBroker } from '../../../services/alerts/embedded-broker';
import { parseConfig } from '../../../services/config/load';
import { makeLogins, startEmbeddedBroker } from '../../helpers/broker';
import { rawMqtt, remainingLength } from '../../helpers/mqtt-raw';
import type { Login } from '../../helpers/broker';
import { captureLogger } from '../../helpers/logger';
import { requireMosquitto, startMosquitto } from '../../helpers/mosquitto';
import { freePort } from '../../helpers/ports';
import { REPO, tempDir } from '../../helpers/media';
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
    await tryPublish(viewer, `vigil/cam/alerts/a1/ack/${site.viewer.username}`, '{"by":"viewer"}');
    const clerkAgain = clerk.connected ? clerk : await open({ ...site.clerk });
    await tryPublish(clerkAgain, 'vigil/cam/alerts', '{"forged":"clerk"}');
    await tryPublish(clerkAgain, 'vigil/available', 'offline');
    // Another login's name as the topic's last level: the ACL binds it to the publisher.
    const clerkOther = clerkAgain.connected ? clerkAgain : await open({ ...site.clerk });
    await tryPublish(clerkOther, 'vigil/cam/alerts/a1/ack/manager', '{"by":"manager","forged":1}');
    const clerkAck = clerkOther.connected ? clerkOther : await open({ ...site.clerk });
    const own = `vigil/cam/alerts/a1/ack/${site.clerk.username}`;
    await clerkAck.publishAsync(own, '{"by":"manager"}', { qos: 1 });
    await waitFor('the ack reaches Vigil', () => toVigil.some((m) => m.topic === own));
    await vigil.publishAsync('vigil/cam/alerts', '{"marker":1}', { qos: 1 });
    await waitFor('the marker', () => seen.some((m) => m.payload === '{"marker":1}'));

    expect(seen.filter((m) => m.payload.includes('forged'))).toEqual([]);
    expect(seen.filter((m) => m.topic === 'vigil/available')).toEqual([]);
    expect(toVigil.filter((m) => m.payload.includes('viewer'))).toEqual([]);
    expect(toVigil.filter((m) => m.topic.endsWith('/manager'))).toEqual([]);
  }, 30_000);
});

describe('the embedded broker only', () => {
  test("a clerk's command is recorded as its login's: the broker sets `by` to it", async () => {
    const site = await embeddedSite();
    const clients: MqttClient[] = [];
    try {
      const vigil = await connect(site.url, { ...site.vigil });
      clients.push(vigil);
      await vigil.subscribeAsync([...COMMAND_FILTERS], { qos: 1 });
      const toVigil = received(vigil);
      const clerk = await connect(site.url, { ...site.clerk });
      clients.push(clerk);
      await clerk.publishAsync('vigil/cam/alerts/a1/ack', '{"by":"manager","note":"x"}', {
        qos: 1,
      });
      await waitFor('the ack', () => toVigil.length === 1);
      expect(JSON.parse(toVigil[0]!.payload)).toEqual({ by: site.clerk.username, note: 'x' });
    } finally {
      for (const c of clients) c.end(true);
      await site.stop();
    }
  });

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
      // The plain listener answers on 127.0.0.1 only: not on another address of this machine.
      // 127.0.0.2 is one on every Linux box (all of 127/8 is loopback), and the TLS listener,
      // bound to every address, answers there: the refusal below is the plain listener's own.
      const other = await connect(`mqtts://127.0.0.2:${tls.port}`, {
        ...b.clerk,
        ca,
        servername: 'localhost',
      });
      clients.push(other);
      await expect(connect(`mqtt://127.0.0.2:${new URL(b.url).port}`, b.vigil)).rejects.toThrow(
        /ECONNREFUSED/,
      );
    } finally {
      for (const c of clients) c.end(true);
      await b.broker.stop();
    }
  });
});

test('npm run token -- mqtt-clerk prints a salted scrypt login that the embedded broker and the config accept', async () => {
  const out = execFileSync(
    process.execPath,
    [path.join(REPO, 'dist/scripts/token.js'), 'mqtt-clerk', 'bob'],
    {
      encoding: 'utf8',
    },
  );
  const password = /password (\S+) \(not stored/.exec(out)![1]!;
  const line = /^ {2}- (\{ name: bob.*\})$/m.exec(out)![1]!;
  const config = parseConfig({
    cameras: [{ id: 'c', source: { url: 'rtsp://127.0.0.1/x' } }],
    mqtt: { users: [parse(line)] },
  });
  const user = config.mqtt.users[0]!;
  expect(user).toMatchObject({
    name: 'bob',
    role: 'clerk',
    scrypt: expect.stringMatching(/^scrypt\$/),
  });
  expect(user.sha256).toBeUndefined();
  const { log, lines } = captureLogger('debug');
  const vigil = { username: 'vigil', password: 'v', clientId: 'vigil' };
  const broker = new EmbeddedBroker('127.0.0.1', 0, log, { users: [user], vigil });
  const url = `mqtt://127.0.0.1:${await broker.start()}`;
  try {
    const c = await connect(url, { username: 'bob', password });
    c.end(true);
    await expect(connect(url, { username: 'bob', password: `${password}x` })).rejects.toThrow(
      /Bad username|Not authorized|refused/i,
    );
    // Only sha256 logins warn at start.
    expect(lines().filter((l) => /unsalted sha256/.test(String(l.msg)))).toEqual([]);
  } finally {
    await broker.stop();
  }
});

describe('the embedded broker sizes packets before it reads them', () => {
  const MB = 2 ** 20;
  /** A CONNECT that declares `declared` bytes, and `sent` of them (zeros after the header). */
  const hugeConnect = (declared: number, sent: number) => {
    const head = Buffer.concat([Buffer.from([0x10]), remainingLength(declared)]);
    return Buffer.concat([head, Buffer.alloc(sent)]);
  };

  test('before login: a CONNECT declaring 250 MB is closed after its header, four at once too; one that never logs in is closed', async () => {
    const { log, lines } = captureLogger('debug');
    const limits = { ...DEFAULT_BROKER_LIMITS, guard: { ...DEFAULT_BROKER_LIMITS.guard } };
    limits.guard.loginTimeoutMs = 1500;
    const b = await startEmbeddedBroker(log, 'vigil', '127.0.0.1', undefined, limits);
    const port = Number(new URL(b.url).port);
    try {
      // 32 MB of the 250 declared: the broker closes the socket long before it could take them
      // all (loopback buffers hold a few MB); without the guard aedes buffers every byte.
      const outcomes = await Promise.all(
        [0, 1, 2, 3].map(() =>
          rawMqtt(port, hugeConnect(250 * MB, 32 * MB), { untilClose: true, waitMs: 30_000 }),
        ),
      );
      for (const o of outcomes) {
        expect(o.closed).toBe(true);
        expect(o.written).toBeLessThan(32 * MB);
      }
      const refused = lines().filter((l) => l.code === 'VIGIL_ERR_MQTT_PACKET_REFUSED');
      expect(refused.filter((l) => l.reason === 'too-large')).toHaveLength(4);
      // Connected, nothing sent: closed at the login deadline.
      const idle = await rawMqtt(port, Buffer.alloc(0), { untilClose: true, waitMs: 20_000 });
      expect(idle.closed).toBe(true);
      await waitFor('the timeout logged', () => lines().some((l) => l.reason === 'login-timeout'));
      // A real login still works.
      const c = await connect(b.url, { ...b.clerk });
      c.end(true);
    } finally {
      await b.broker.stop();
    }
  }, 60_000);

  test("after login: a clerk's 1 MB publish closes its connection unread, a 17 KB ack is refused with a log line, neither reaches a subscriber", async () => {
    const { log, lines } = captureLogger('debug');
    const b = await startEmbeddedBroker(log, 'vigil');
    const clients: MqttClient[] = [];
    try {
      const observer = await connect(b.url, { ...b.viewer });
      clients.push(observer);
      await observer.subscribeAsync('vigil/#', { qos: 1 });
      const seen = received(observer);
      const big = await connect(b.url, { ...b.clerk, reconnectPeriod: 0 });
      clients.push(big);
      const closed = new Promise<void>((r) => big.once('close', () => r()));
      big.publish('vigil/cam/alerts/a1/ack', JSON.stringify({ by: 'x', note: 'n'.repeat(MB) }));
      await closed;
      const ack = await connect(b.url, { ...b.clerk, reconnectPeriod: 0 });
      clients.push(ack);
      const closedToo = new Promise<void>((r) => ack.once('close', () => r()));
      ack.publish('vigil/cam/alerts/a1/ack', JSON.stringify({ by: 'x', note: 'n'.repeat(17_000) }));
      await closedToo;
      // A marker from Vigil: everything published before it has been delivered or dropped.
      const vigil = await connect(b.url, { ...b.vigil });
      clients.push(vigil);
      await vigil.publishAsync('vigil/cam/alerts', 'marker', { qos: 1 });
      await waitFor('the marker', () => seen.some((m) => m.payload === 'marker'));
      expect(seen.filter((m) => m.topic.endsWith('/ack'))).toEqual([]);
      expect(lines().filter((l) => l.reason === 'too-large')).toMatchObject([
        {
          code: 'VIGIL_ERR_MQTT_PACKET_REFUSED',
          limit: DEFAULT_BROKER_LIMITS.maxPacketBytes.clerk,
        },
      ]);
      expect(
        lines().filter((l) => l.code === 'VIGIL_ERR_COMMAND_INVALID' && l.limit === 16 * 1024),
      ).toHaveLength(1);
    } finally {
      for (const c of clients) c.end(true);
      await b.broker.stop();
    }
  }, 30_000);
});
