import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { PacketGuard } from '../../../services/alerts/packet-guard';
import type { GuardRefusal } from '../../../services/alerts/packet-guard';
import { connectPacket, publishPacket, remainingLength } from '../../helpers/mqtt-raw';

/** Just what the guard uses of a socket: data events in, destroy/pause/resume. */
class FakeSocket extends EventEmitter {
  remoteAddress = '10.0.0.7';
  destroyed = false;
  destroy() {
    this.destroyed = true;
    return this;
  }
  pause() {
    return this;
  }
  resume() {
    return this;
  }
}

const LIMITS = { preLoginPacketBytes: 256, preLoginTotalBytes: 1024, loginTimeoutMs: 60_000 };

async function feed(chunks: Buffer[], loggedInAfterFirst?: number) {
  const socket = new FakeSocket();
  const refusals: GuardRefusal[] = [];
  const guard = new PacketGuard(socket as unknown as Socket, LIMITS, (r) => refusals.push(r));
  const passed: Buffer[] = [];
  guard.on('data', (b: Buffer) => passed.push(b));
  chunks.forEach((c, i) => {
    socket.emit('data', c);
    if (i === 0 && loggedInAfterFirst !== undefined) guard.loggedIn(loggedInAfterFirst);
  });
  // The guard's readers get the bytes on the next turns of the loop.
  await new Promise((r) => setImmediate(r));
  guard.destroy();
  return { refusals, destroyed: socket.destroyed, passedBytes: Buffer.concat(passed).length };
}

const login = connectPacket({ clientId: 'c', username: 'ann', password: 'pw' });
const header = (type: number, declared: number) =>
  Buffer.concat([Buffer.from([type << 4]), remainingLength(declared)]);

test.each([
  ['a small CONNECT', [login], undefined, undefined],
  ['a CONNECT split byte by byte', [...login].map((b) => Buffer.from([b])), undefined, undefined],
  ['a CONNECT declaring 250 MB', [header(1, 250 * 2 ** 20)], undefined, 'too-large'],
  [
    'a CONNECT of 300 bytes',
    [connectPacket({ username: 'u'.repeat(300) })],
    undefined,
    'too-large',
  ],
  ['a PUBLISH first', [publishPacket('vigil/x', Buffer.from('x'))], undefined, 'not-connect-first'],
  [
    'a length of five bytes',
    [Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x7f])],
    undefined,
    'bad-length',
  ],
  [
    'many small packets before login',
    [login, ...Array.from({ length: 40 }, () => publishPacket('vigil/x', Buffer.alloc(40)))],
    undefined,
    'pre-login-bytes',
  ],
  [
    'after login, a packet within its limit',
    [login, publishPacket('vigil/x', Buffer.alloc(2000))],
    4096,
    undefined,
  ],
  ['after login, one beyond it', [login, header(3, 5000)], 4096, 'too-large'],
] as const)('%s', async (_name, chunks, limit, reason) => {
  const r = await feed([...chunks], limit);
  expect(r.refusals.map((x) => x.reason)).toEqual(reason ? [reason] : []);
  if (reason) expect(r.destroyed).toBe(true);
  else expect(r.passedBytes).toBe(Buffer.concat([...chunks]).length);
});
