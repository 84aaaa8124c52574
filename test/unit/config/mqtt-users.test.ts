import { parseConfig } from '../../../services/config/load';
import type { VigilError } from '../../../services/core/errors';
import { scryptHash, sha256Hex } from '../../../services/core/hashing';

const cameras = [{ id: 'cam1', source: { url: 'rtsp://10.0.0.9/stream' } }];
const SCRYPT = scryptHash('pw');
const SHA = sha256Hex('pw');

function problems(users: unknown[]): string[] {
  try {
    parseConfig({ cameras, mqtt: { users } });
    return [];
  } catch (err) {
    return (err as VigilError).details.map((d) => `${d.path}: ${d.message}`);
  }
}

test.each([
  ['a scrypt login', [{ name: 'ann', role: 'clerk', scrypt: SCRYPT }], []],
  ['an older sha256 login', [{ name: 'ann', role: 'clerk', sha256: SHA }], []],
  [
    'both forms',
    [{ name: 'ann', role: 'clerk', scrypt: SCRYPT, sha256: SHA }],
    ['/mqtt/users/0: login "ann" needs exactly one of scrypt and sha256'],
  ],
  [
    'neither',
    [{ name: 'ann', role: 'clerk' }],
    ['/mqtt/users/0: login "ann" needs exactly one of scrypt and sha256'],
  ],
  [
    'the same name twice',
    [
      { name: 'ann', role: 'clerk', scrypt: SCRYPT },
      { name: 'ann', role: 'viewer', sha256: SHA },
    ],
    ['/mqtt/users/1/name: duplicate login "ann"'],
  ],
])('mqtt.users: %s', (_name, users, expected) => {
  expect(problems(users)).toEqual(expected);
});

test('a scrypt string that is not one is refused by the schema', () => {
  const p = problems([{ name: 'ann', role: 'clerk', scrypt: 'scrypt$1$2$3' }]);
  expect(p.some((l) => l.startsWith('/mqtt/users/0/scrypt'))).toBe(true);
});
