import { ApiError, api } from './api.js';
import { h } from './dom.js';

/**
 * Notifications on this device: the service worker (registered at every start, scope /), the
 * token it answers with (IndexedDB, as the page's own is in localStorage), and a per-device
 * "Turn on notifications" control. iOS needs the console added to the Home Screen first (16.4+).
 */
const SUB_KEY = 'vigil.push.subscription';

function idb(mode: IDBTransactionMode, run: (s: IDBObjectStore) => IDBRequest): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('vigil', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('kv');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const req = run(open.result.transaction('kv', mode).objectStore('kv'));
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    };
  });
}

/** Gives the service worker this device's token (or takes it away at log out). */
export async function shareToken(token: string | null): Promise<void> {
  if (!('indexedDB' in window)) return;
  await idb('readwrite', (s) => (token ? s.put(token, 'token') : s.delete('token'))).catch(
    () => undefined,
  );
}

export async function registerWorker(): Promise<ServiceWorkerRegistration | undefined> {
  if (!('serviceWorker' in navigator) || !isSecureContext) return undefined;
  return navigator.serviceWorker.register('/console/sw.js', { scope: '/' }).catch(() => undefined);
}

const isIos = () =>
  /iPhone|iPad|iPod/.test(navigator.userAgent) ||
  (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);
const standalone = () =>
  matchMedia('(display-mode: standalone)').matches ||
  (navigator as { standalone?: boolean }).standalone === true;

const b64 = (s: string) => {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
};

export class PushControl {
  readonly el = h('div', { class: 'push-control', role: 'group', 'aria-label': 'Notifications' });

  constructor(private readonly toast: (text: string, error?: boolean) => void) {
    void this.render();
  }

  private async render(): Promise<void> {
    const note = (text: string) => this.el.replaceChildren(h('p', { class: 'hint' }, text));
    if (isIos() && !standalone())
      return note(
        'For alerts on this iPhone when Vigil is closed: Share, then Add to Home Screen, and open Vigil from the Home Screen (iOS 16.4 or later).',
      );
    if (!isSecureContext)
      return note('Notifications need this console on https:// (ask your admin for its address).');
    if (!('PushManager' in window) || !('serviceWorker' in navigator))
      return note('This browser cannot show notifications from Vigil.');
    const reg = await navigator.serviceWorker.ready;
    const sub = await reg.pushManager.getSubscription();
    const on = !!sub && !!localStorage.getItem(SUB_KEY);
    this.el.replaceChildren(
      h(
        'span',
        {},
        on
          ? 'Notifications are on for this device.'
          : 'Alerts on this device while Vigil is closed:',
      ),
      h(
        'button',
        {
          type: 'button',
          class: on ? 'link' : 'primary',
          onclick: () => void (on ? this.off() : this.on()),
        },
        on ? 'Turn off' : 'Turn on notifications',
      ),
    );
  }

  private async on(): Promise<void> {
    try {
      if ((await Notification.requestPermission()) !== 'granted')
        return this.toast('Notifications are blocked for this site in the browser settings', true);
      const reg = await navigator.serviceWorker.ready;
      const { body } = await api<{ publicKey: string }>('/api/push/vapid-public-key');
      const sub = await reg.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: b64(body.publicKey),
      });
      const saved = await api<{ id: string }>('/api/push/subscriptions', {
        method: 'POST',
        json: { ...sub.toJSON(), device: navigator.userAgent.slice(0, 200) },
      });
      localStorage.setItem(SUB_KEY, saved.body.id);
      this.toast('Notifications on');
    } catch (err) {
      this.toast(
        err instanceof ApiError
          ? err.message
          : `Notifications could not be turned on: ${String(err)}`,
        true,
      );
    }
    await this.render();
  }

  private async off(): Promise<void> {
    const id = localStorage.getItem(SUB_KEY);
    localStorage.removeItem(SUB_KEY);
    const sub = await (await navigator.serviceWorker.ready).pushManager.getSubscription();
    await sub?.unsubscribe().catch(() => false);
    if (id) await api(`/api/push/subscriptions/${id}`, { method: 'DELETE' }).catch(() => undefined);
    this.toast('Notifications off');
    await this.render();
  }
}
