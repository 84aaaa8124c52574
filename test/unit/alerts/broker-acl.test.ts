import {
  isClerkCommand,
  mayPublish,
  maySubscribe,
  mosquittoAcl,
} from '../../../services/alerts/broker-acl';

const HA = { discoveryPrefix: 'homeassistant' };

test.each([
  ['clerk', 'vigil/cam/alerts/a1/ack', 'ann', {}, true],
  ['clerk', 'vigil/cam/alerts/a1/ack/ann', 'ann', {}, true],
  ['clerk', 'vigil/cam/alerts/a1/feedback/ann', 'ann', {}, true],
  ['clerk', 'vigil/cam/alerts/a1/ack/manager', 'ann', {}, false],
  ['clerk', 'vigil/cam/alerts/a1/ack/ann/x', 'ann', {}, false],
  ['clerk', 'vigil/cam/alerts', 'ann', {}, false],
  ['viewer', 'vigil/cam/alerts/a1/ack/dash', 'dash', {}, false],
  ['vigil', 'vigil/cam/alerts', 'vigil', {}, true],
  ['vigil', 'homeassistant/binary_sensor/vigil_cam/online/config', 'vigil', {}, false],
  ['vigil', 'homeassistant/binary_sensor/vigil_cam/online/config', 'vigil', HA, true],
  ['clerk', 'homeassistant/binary_sensor/vigil_cam/online/config', 'ann', HA, false],
  ['vigil', 'homeassistant', 'vigil', HA, false],
  ['vigil', 'vigil/cam//alerts', 'vigil', {}, false],
] as const)('%s publishes %s as %s (%o): %s', (role, topic, login, scope, ok) => {
  expect(mayPublish(role, topic, login, { discoveryPrefix: '', ...scope })).toBe(ok);
});

test('reads: vigil/ and, with discovery on, its prefix', () => {
  expect(maySubscribe('viewer', 'homeassistant/#')).toBe(false);
  expect(maySubscribe('viewer', 'homeassistant/#', HA)).toBe(true);
  expect(maySubscribe('viewer', '#', HA)).toBe(false);
  expect(isClerkCommand('vigil/c/alerts/a/snooze/ann', 'ann')).toBe('own');
  expect(isClerkCommand('vigil/c/alerts/a/snooze', 'ann')).toBe('shared');
});

test("the mosquitto ACL grants what the daemon publishes with its config, and clerks their own login's command topics only", () => {
  const users = [
    { name: 'vigil', role: 'vigil' as const },
    { name: 'ann', role: 'clerk' as const },
    { name: 'ha', role: 'viewer' as const },
  ];
  const body = (acl: string) => acl.split('\n').filter((l) => l && !l.startsWith('#'));
  expect(body(mosquittoAcl(users, HA))).toEqual([
    'user vigil',
    'topic readwrite vigil/#',
    'topic readwrite homeassistant/#',
    'user ann',
    'topic read vigil/#',
    'topic read homeassistant/#',
    'topic write vigil/+/alerts/+/ack/ann',
    'topic write vigil/+/alerts/+/snooze/ann',
    'topic write vigil/+/alerts/+/feedback/ann',
    'user ha',
    'topic read vigil/#',
    'topic read homeassistant/#',
  ]);
  expect(mosquittoAcl(users)).not.toContain('homeassistant');
});
