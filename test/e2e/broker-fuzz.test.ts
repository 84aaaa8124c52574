import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import mqtt from 'mqtt';
import { stringify } from 'yaml';
import { seededRandom } from '../../scripts/peers/seeded-random';
import { scryptHash } from '../../services/core/hashing';
import { TEST_CLERK, TEST_CLERK_USER } from '../helpers/broker';
import { startDaemon } from '../helpers/daemon';
import type { Daemon } from '../helpers/daemon';
import { tempDir } from '../helpers/media';
import { connectPacket, rawMqtt, remainingLength } from '../helpers/mqtt-raw';
import type { RawOutcome } from '../helpers/mqtt-raw';
import { freePort } from '../helpers/ports';
import { waitFor } from '../helpers/wait';

const MB = 2 ** 20;
const rnd = seededRandom(28);
const junk = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
const valid = connectPacket({
  clientId: 'truncated',
  username: TEST_CLERK.username,
  password: 'x',
});
/** The test clerk's name, its last letter accented: as many characters, more bytes. */
const clerkAccented = `${TEST_CLERK.username.slice(0, -1)}ń`;

/**
 * Each case is sent on a fresh TCP connection. The first ones are logins whose names have as many
 * characters as real ones (Vigil's own `vigil`, the `demo` viewer, the test clerk) and more UTF-8
 * bytes: before 6e27dce one of them killed the daemon (RangeError in timingSafeEqual). They come
 * first, before the broker's per-address back-off (5 free failures) answers for them.
 */
const CASES: [string, Buffer][] = [
  ['vigiĺ for vigil', connectPacket({ username: 'vigiĺ', password: 'x' })],
  ['demĺ for demo', connectPacket({ username: 'demĺ', password: 'demo-viewer' })],
  [
    "the test clerk's name with a final accent",
    connectPacket({ username: clerkAccented, password: TEST_CLERK.password }),
  ],
  [
    'vigil, a password of multi-byte characters',
    connectPacket({ username: 'vigil', password: 'ĺĺĺ' }),
  ],
  [
    'invalid UTF-8',
    connectPacket({
      username: Buffer.from([0xff, 0xfe, 0xc3]),
      password: Buffer.from([0xc3, 0x28]),
    }),
  ],
  ['empty user name and password', connectPacket({ username: '', password: '' })],
  [
    'a real name, an empty password',
    connectPacket({ username: TEST_CLERK.username, password: '' }),
  ],
  [
    '64 KB user name and password',
    connectPacket({ username: 'u'.repeat(65_535), password: 'p'.repeat(65_535) }),
  ],
  ['binary', connectPacket({ username: junk(300), password: junk(300) })],
  ['a NUL in the name', connectPacket({ username: 'vigil\u0000', password: 'x' })],
  [
    'a user name without the password flag',
    connectPacket({ username: TEST_CLERK.username, usernameFlag: true }),
  ],
  [
    'a password without a user name',
    connectPacket({ password: TEST_CLERK.password, passwordFlag: true, usernameFlag: false }),
  ],
  [
    'flags that promise fields not there',
    connectPacket({ usernameFlag: true, passwordFlag: true }),
  ],
  ['a malformed remaining length', Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x01])],
  ['a truncated CONNECT', valid.subarray(0, Math.floor(valid.length / 2))],
  ['a PUBLISH before any CONNECT', Buffer.from([0x30, 0x05, 0x00, 0x01, 0x61, 0x62, 0x63])],
  ['random bytes', junk(2000)],
];

const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

/**
 * The login fuzz of issue 28, on the built daemon's embedded broker: after every case the daemon
 * is up and answers /healthz, no case logs in, and at the end a real login works.
 */
describe('the embedded broker of the built daemon under malformed logins', () => {
  let daemon: Daemon | undefined;
  afterEach(async () => {
    if (daemon && daemon.proc.exitCode === null) {
      daemon.proc.kill('SIGKILL');
      await daemon.exited;
    }
  });

  test('every case on a fresh connection: the daemon stays up and answers /healthz; declared 250 MB CONNECTs are closed unread; a real login works at the end', async () => {
    const dir = tempDir('vigil-broker-fuzz-');
    const [mqttPort, apiPort] = [await freePort(), await freePort()];
    const file = path.join(dir, 'site.yaml');
    writeFileSync(
      file,
      stringify({
        logLevel: 'info',
        dataDir: path.join(dir, 'data'),
        api: { host: '127.0.0.1', port: apiPort },
        mqtt: {
          url: 'embedded',
          embeddedPort: mqttPort,
          users: [
            TEST_CLERK_USER,
            { name: 'demo', role: 'viewer', scrypt: scryptHash('demo-viewer') },
          ],
        },
        // A camera nobody answers for: the broker is what is under test, not the pipeline.
        cameras: [{ id: 'door', source: { url: `rtsp://127.0.0.1:${await freePort()}/none` } }],
      }),
    );
    const d = startDaemon(['--config', file]);
    daemon = d;
    const healthz = async () =>
      (await fetch(`http://127.0.0.1:${apiPort}/healthz`).catch(() => undefined))?.status;
    await waitFor('the daemon to answer', async () => (await healthz()) === 200, 90_000, 250);
    await waitFor('the broker', () => /embedded MQTT broker listening/.test(d.stdout()), 10_000);

    const outcomes: [string, RawOutcome][] = [];
    for (const [name, bytes] of CASES) {
      const o = await rawMqtt(mqttPort, bytes, { waitMs: 3000 });
      outcomes.push([name, o]);
      if (d.proc.exitCode !== null || (await healthz()) !== 200)
        throw new Error(`the daemon is down after "${name}": ${d.stderr().slice(-2000)}`);
    }
    // No case logged in (CONNACK 0); every login case was answered or closed.
    expect(outcomes.filter(([, o]) => o.connack === 0).map(([n]) => n)).toEqual([]);
    expect(
      outcomes.filter(([, o]) => o.connack === undefined && !o.closed).map(([n]) => n),
    ).toEqual([]);

    // Four connections each declaring a 250 MB CONNECT and sending 64 MB of it: each is closed
    // after its header, long before the 64 MB could be written, and the daemon's memory does not
    // grow by anything like them (aedes used to buffer them all: 516 -> 1397 MB in the audit).
    const before = rssMb(d.proc.pid!);
    const huge = Buffer.concat([
      Buffer.from([0x10]),
      remainingLength(250 * MB),
      Buffer.alloc(64 * MB),
    ]);
    const big = await Promise.all(
      [0, 1, 2, 3].map(() => rawMqtt(mqttPort, huge, { untilClose: true, waitMs: 60_000 })),
    );
    for (const o of big) {
      expect(o.closed).toBe(true);
      expect(o.written).toBeLessThan(64 * MB);
    }
    expect(await healthz()).toBe(200);
    expect(rssMb(d.proc.pid!) - before).toBeLessThan(128);
    expect(d.stdout()).toContain('VIGIL_ERR_MQTT_PACKET_REFUSED');

    // A real login still works (once this address's back-off from the failures above is over).
    const client = await waitFor(
      'a real login',
      () =>
        mqtt
          .connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
            ...TEST_CLERK,
            reconnectPeriod: 0,
            connectTimeout: 5000,
          })
          .catch(() => undefined),
      60_000,
      1000,
    );
    await client.endAsync();
    expect(d.proc.exitCode).toBeNull();
  }, 240_000);
});
