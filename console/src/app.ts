import { ApiError, api, takeTokenFromLink, token } from './api.js';
import type { Session } from './api.js';
import { ClerkView } from './clerk-view.js';
import { $, fill, h } from './dom.js';
import { HistoryView } from './history-view.js';
import { IntegratorView } from './integrator-view.js';
import { Live } from './live.js';
import type { LiveState } from './live.js';
import type { Alert, Answer, CameraState } from './types.js';
import { ZoneEditor } from './zone-editor.js';
import { PushControl, registerWorker, shareToken } from './push-control.js';
import { answerTimesSection } from './answer-times.js';

/**
 * The console: log in once per device (token or pairing link), then the clerk's live alerts, the
 * history, and for admins the cameras and the zone editor. Routes live in the URL hash.
 */
const main = $('#main');
const nav = $('#nav');
const banner = $('#connection');
const toastEl = $('#toast');
let session: Session | undefined;
let live: Live | undefined;
let clerk: ClerkView | undefined;
let integrator: IntegratorView | undefined;
let cameras: CameraState[] = [];
let audio: AudioContext | undefined;
let pushControl: PushControl | undefined;

function toast(text: string, error = false): void {
  toastEl.textContent = text;
  toastEl.className = error ? 'toast error show' : 'toast show';
  setTimeout(() => (toastEl.className = 'toast'), 3000);
}

/** A short two-tone chime and a buzz for a new incident, where the browser allows them. */
function notify(a: Alert): void {
  try {
    audio ??= new AudioContext();
    const t = audio.currentTime;
    for (const [i, f] of [880, 660].entries()) {
      const o = audio.createOscillator();
      const g = audio.createGain();
      o.frequency.value = f;
      g.gain.setValueAtTime(0.2, t + i * 0.18);
      g.gain.exponentialRampToValueAtTime(0.001, t + i * 0.18 + 0.16);
      o.connect(g).connect(audio.destination);
      o.start(t + i * 0.18);
      o.stop(t + i * 0.18 + 0.17);
    }
  } catch {
    // no audio here
  }
  navigator.vibrate?.([200, 100, 200]);
  document.title = `(!) ${a.zoneName || a.zone} – Vigil`;
  setTimeout(() => (document.title = 'Vigil'), 10_000);
}

function setConnection(s: LiveState): void {
  banner.hidden = s === 'live';
  banner.textContent = s === 'lost' ? 'Connection lost, reconnecting…' : 'Connecting…';
  banner.className = `connection ${s}`;
}

function showLogin(message = ''): void {
  live?.stop();
  nav.hidden = true;
  const input = h('input', {
    id: 'token',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    'aria-describedby': 'login-help',
  });
  const form = h(
    'form',
    { class: 'login' },
    h('h1', {}, 'Vigil'),
    h('label', { for: 'token' }, 'Access token'),
    input,
    h(
      'p',
      { id: 'login-help', class: 'hint' },
      'Your site admin gives you a token or a pairing link (npm run token -- clerk <name>). This device remembers it.',
    ),
    message ? h('p', { class: 'error', role: 'alert' }, message) : null,
    h('button', { type: 'submit', class: 'primary' }, 'Log in'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    token.set(input.value.trim());
    void start();
  });
  fill(main, form);
  input.focus();
}

function renderNav(): void {
  const links: [string, string][] = [
    ['#/', 'Alerts'],
    ['#/history', 'History'],
  ];
  if (session?.role === 'admin') links.push(['#/cameras', 'Cameras']);
  fill(
    nav,
    ...links.map(([href, text]) => h('a', { href, class: 'tab' }, text)),
    // Who is logged in and Log out in one target: the header stays one line on a 360 px phone.
    h(
      'button',
      {
        type: 'button',
        class: 'account link',
        onclick: () => {
          token.clear();
          void shareToken(null);
          showLogin();
        },
      },
      h('span', { class: 'who' }, `${session?.name} (${session?.role})`),
      h('span', { class: 'logout' }, 'Log out'),
    ),
  );
  nav.hidden = false;
}

async function route(): Promise<void> {
  if (!session) return;
  const hash = location.hash || '#/';
  for (const a of nav.querySelectorAll('a'))
    a.setAttribute(
      'aria-current',
      a.getAttribute('href') === hash.split('/').slice(0, 2).join('/') ? 'page' : 'false',
    );
  integrator?.dispose();
  integrator = undefined;
  try {
    if (hash.startsWith('#/history')) {
      const v = new HistoryView(cameras);
      fill(main, v.el);
      await v.load();
      v.el.append(await answerTimesSection());
    } else if (hash.startsWith('#/cameras') && session.role === 'admin') {
      integrator = new IntegratorView(true);
      fill(main, integrator.el);
      await integrator.load();
    } else if (hash.startsWith('#/zones/') && session.role === 'admin') {
      const editor = new ZoneEditor(decodeURIComponent(hash.slice('#/zones/'.length)));
      fill(main, editor.el);
      await editor.load();
    } else {
      fill(main, h('h1', { class: 'visually-hidden' }, 'Open alerts'), pushControl?.el, clerk!.el);
      // A notification's tap: #/alert/<id> shows that alert's card.
      if (hash.startsWith('#/alert/')) clerk!.focus(hash.slice('#/alert/'.length));
    }
  } catch (err) {
    fill(
      main,
      h(
        'p',
        { class: 'error' },
        err instanceof ApiError ? `${err.code}: ${err.message}` : String(err),
      ),
    );
  }
}

async function start(): Promise<void> {
  takeTokenFromLink();
  if (!token.get()) return showLogin();
  try {
    session = (await api<Session>('/api/session')).body;
    cameras = (await api<{ cameras: CameraState[] }>('/api/cameras')).body.cameras;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      token.clear();
      return showLogin('That token was not accepted.');
    }
    fill(main, h('p', { class: 'error' }, 'The daemon does not answer. Retrying…'));
    setTimeout(() => void start(), 3000);
    return;
  }
  renderNav();
  // The service worker answers notifications with this device's login.
  await shareToken(token.get());
  await registerWorker();
  pushControl = new PushControl(toast);
  clerk?.dispose();
  clerk = new ClerkView(session.role !== 'viewer', notify, toast);
  await clerk.load().catch(() => toast('Open alerts could not be loaded', true));
  live?.stop();
  live = new Live(
    (type, data) => {
      if (type === 'alert') clerk?.onAlert((data as { alert: Alert }).alert);
      else if (type === 'answer') clerk?.onAnswer(data as Answer);
      else if (type === 'status') integrator?.onStatus(data as CameraState[]);
    },
    setConnection,
    () => showLogin('Your token is no longer accepted.'),
  );
  live.start();
  await route();
}

window.addEventListener('hashchange', () => void route());
void start();
