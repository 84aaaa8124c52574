import { ApiError, api } from './api.js';
import { fill, h } from './dom.js';

/** What the form sends: POST /api/cameras/still takes the stream part, POST /api/cameras all. */
interface NewCamera {
  id: string;
  name?: string;
  url: string;
  username?: string;
  password?: string;
}

function problem(err: unknown): string {
  if (!(err instanceof ApiError)) return 'No connection to the daemon.';
  const where = err.details.map((d) => `${d.path || 'body'} ${d.message}`).join('; ');
  return `${err.message}${where ? ` (${where})` : ''}`;
}

/**
 * Add a camera by its RTSP URL (admin): URL, login, Test (the daemon grabs one still through
 * ffmpeg and it is shown here), then Add camera (saved with If-Match, started live) and on to its
 * zones. `added` reloads the cameras list.
 */
export function addCameraForm(added: () => Promise<void>): HTMLElement {
  const field = (label: string, input: HTMLElement, hint?: string) => {
    if (!hint) return h('label', {}, h('span', {}, label), input);
    const hintId = `add-camera-${input.getAttribute('name')}-hint`;
    input.setAttribute('aria-describedby', hintId);
    return h(
      'div',
      { class: 'field' },
      h('label', {}, h('span', {}, label), input),
      h('small', { class: 'hint', id: hintId }, hint),
    );
  };
  const id = h('input', {
    type: 'text',
    name: 'id',
    required: true,
    pattern: '[a-z0-9][a-z0-9_\\-]{0,62}',
    autocomplete: 'off',
    placeholder: 'e.g. till-1',
  });
  const name = h('input', { type: 'text', name: 'name', autocomplete: 'off' });
  const url = h('input', {
    type: 'url',
    name: 'url',
    required: true,
    autocomplete: 'off',
    placeholder: 'rtsp://192.168.1.64:554/Streaming/Channels/102',
  });
  const user = h('input', { type: 'text', name: 'username', autocomplete: 'off' });
  const pass = h('input', { type: 'password', name: 'password', autocomplete: 'new-password' });
  const out = h('div', { class: 'add-result', role: 'status', 'aria-live': 'polite' });
  const picture = h('div', { class: 'test-frame' });

  const body = (): NewCamera => ({
    id: id.value.trim(),
    ...(name.value.trim() ? { name: name.value.trim() } : {}),
    url: url.value.trim(),
    ...(user.value || pass.value ? { username: user.value, password: pass.value } : {}),
  });

  const test = async (): Promise<void> => {
    const { url: u, username, password } = body();
    fill(out, h('p', {}, 'Asking the camera for one picture…'));
    fill(picture);
    try {
      const { body: jpeg } = await api<Blob>('/api/cameras/still', {
        method: 'POST',
        json: { url: u, ...(username !== undefined ? { username, password } : {}) },
      });
      const img = h('img', {
        class: 'snapshot',
        src: URL.createObjectURL(jpeg),
        alt: `First frame of ${u.replace(/\/\/[^@/]*@/, '//')}`,
      });
      fill(picture, img);
      fill(out, h('p', {}, 'The camera answers. Add it if this is the right picture.'));
    } catch (err) {
      fill(out, h('p', { class: 'error' }, `No picture: ${problem(err)}`));
    }
  };

  const add = async (): Promise<void> => {
    const cam = body();
    try {
      const { headers, body: cfg } = await api<{ etag: string }>('/api/config');
      await api('/api/cameras', {
        method: 'POST',
        headers: { 'if-match': headers.get('etag') ?? cfg.etag },
        json: cam,
      });
      fill(
        out,
        h('p', {}, `Added ${cam.name ?? cam.id}: it starts now. `),
        h('a', { class: 'button', href: `#/zones/${cam.id}` }, `Draw the zones of ${cam.id}`),
      );
      await added();
    } catch (err) {
      fill(out, h('p', { class: 'error' }, `Not added: ${problem(err)}`));
    }
  };

  const form = h(
    'form',
    { class: 'add-camera', 'aria-labelledby': 'add-camera-title' },
    h('h2', { id: 'add-camera-title' }, 'Add a camera by its RTSP URL'),
    field('Stream URL', url, 'The substream is cheaper to analyse; the login goes below.'),
    field('Camera user name', user),
    field('Camera password', pass),
    h('button', { type: 'button', onclick: () => void test() }, 'Test'),
    picture,
    field('Camera id', id, 'Lower case, digits, - and _: used in MQTT topics.'),
    field('Name', name),
    h('button', { type: 'submit', class: 'primary' }, 'Add camera'),
    out,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void add();
  });
  return form;
}
