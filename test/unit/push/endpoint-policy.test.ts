import { PUSH_SERVICE_HOSTS } from '../../../services/config/push-schema';
import { checkEndpoint, isInternalAddress } from '../../../services/push/endpoint-policy';

const prod = { endpointHosts: PUSH_SERVICE_HOSTS, allowLoopbackHttp: false };
const tests = { ...prod, allowLoopbackHttp: true };

test.each([
  ['FCM (Chrome, Android)', 'https://fcm.googleapis.com/fcm/send/abc:APA91b', prod],
  ['Mozilla', 'https://updates.push.services.mozilla.com/wpush/v2/gAAAA', prod],
  ['Apple', 'https://web.push.apple.com/QGuQyavXutnMH6Ig2uYOJDwA', prod],
  ['Edge (WNS)', 'https://wns2-db5p.notify.windows.com/w/?token=BQYAAA', prod],
  ['a loopback receiver in tests', 'http://127.0.0.1:4567/push/x', tests],
  ['localhost in tests', 'http://localhost:4567/push/x', tests],
])('accepted: %s', (_n, url, rules) => {
  expect(checkEndpoint(url, rules).href).toBe(new URL(url).href);
});

test.each([
  ['http to a push service', 'http://fcm.googleapis.com/fcm/send/x', tests],
  ['http loopback without the test flag', 'http://127.0.0.1:4567/push/x', prod],
  ['http to a LAN host even with the flag', 'http://192.168.1.10/push', tests],
  ['the router admin page', 'https://192.168.1.1/cgi-bin/reboot', prod],
  ['the cloud metadata service', 'https://169.254.169.254/latest/meta-data', prod],
  ['an IPv6 literal', 'https://[::1]/x', prod],
  ['an internal name', 'https://camera.local/onvif', prod],
  ['a look-alike host', 'https://fcm.googleapis.com.evil.example/x', prod],
  ['a suffix without the dot', 'https://evilnotify.windows.com/x', prod],
  ['another port', 'https://fcm.googleapis.com:8443/x', prod],
  ['credentials in the URL', 'https://u:p@fcm.googleapis.com/x', prod],
  ['a file URL', 'file:///etc/passwd', prod],
  ['not a URL', 'fcm.googleapis.com/x', prod],
])('refused: %s', (_n, url, rules) => {
  expect(() => checkEndpoint(url, rules)).toThrow(
    expect.objectContaining({ code: 'VIGIL_ERR_PUSH_ENDPOINT_REFUSED' }),
  );
});

test.each([
  ['127.0.0.1', true],
  ['10.1.2.3', true],
  ['172.16.0.1', true],
  ['172.32.0.1', false],
  ['192.168.0.9', true],
  ['169.254.169.254', true],
  ['100.64.0.1', true],
  ['0.0.0.0', true],
  ['::1', true],
  ['fd00::1', true],
  ['fe80::1', true],
  ['::ffff:10.0.0.1', true],
  ['142.250.74.106', false],
  ['2a00:1450:4007::200a', false],
])('%s internal: %s', (ip, internal) => {
  expect(isInternalAddress(ip)).toBe(internal);
});
