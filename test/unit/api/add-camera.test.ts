import { cameraEntry, urlWithLogin } from '../../../services/api/routes/add-camera';
import type { VigilError } from '../../../services/core/errors';

describe('add a camera by URL: the login goes into the stream URL', () => {
  test.each([
    [
      'no login: the URL as given',
      'rtsp://10.0.0.5/s1',
      undefined,
      undefined,
      'rtsp://10.0.0.5/s1',
    ],
    ['a plain login', 'rtsp://10.0.0.5:554/s1', 'admin', 'pw', 'rtsp://admin:pw@10.0.0.5:554/s1'],
    [
      'reserved characters are encoded, not read as URL parts',
      'rtsp://10.0.0.5/s1',
      'ann@shop',
      'p:w/d@#?',
      'rtsp://ann%40shop:p%3Aw%2Fd%40%23%3F@10.0.0.5/s1',
    ],
    [
      "a login in the URL is replaced by the form's",
      'rtsp://old:old@10.0.0.5/s1',
      'new',
      'secret',
      'rtsp://new:secret@10.0.0.5/s1',
    ],
  ])('%s', (_what, url, user, pass, expected) => {
    expect(urlWithLogin(url, user, pass)).toBe(expected);
  });

  test.each([
    ['a user name without a password', 'admin', undefined],
    ['a password without a user name', undefined, 'pw'],
  ])('%s is a coded request error', (_what, user, pass) => {
    expect(() => urlWithLogin('rtsp://10.0.0.5/s1', user, pass)).toThrow(
      expect.objectContaining({ code: 'VIGIL_ERR_REQUEST_INVALID' }) as VigilError,
    );
  });

  test.each([
    [
      'id and URL only',
      { id: 'till-1', url: 'rtsp://10.0.0.5/s1' },
      { id: 'till-1', source: { url: 'rtsp://10.0.0.5/s1' } },
    ],
    [
      'name, login, snapshot URL with the same login, saved disabled',
      {
        id: 'door',
        name: 'Door',
        url: 'rtsp://10.0.0.6/sub',
        username: 'u',
        password: 'p',
        snapshotUrl: 'http://10.0.0.6/snap.jpg',
        enabled: false,
      },
      {
        id: 'door',
        name: 'Door',
        enabled: false,
        source: { url: 'rtsp://u:p@10.0.0.6/sub', snapshotUrl: 'http://u:p@10.0.0.6/snap.jpg' },
      },
    ],
  ])('the config entry: %s', (_what, body, entry) => {
    expect(cameraEntry(body)).toEqual(entry);
  });
});
