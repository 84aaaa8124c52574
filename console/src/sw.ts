/**
 * The console's service worker: shows Vigil's pushes as notifications with Acknowledge and Snooze
 * actions that answer the alert through the API with this device's login (the token the console
 * stored in IndexedDB), even with every console page closed; a tap opens the alert's card.
 * A classic script (no imports): iOS Safari runs no module service workers.
 */
interface PushMessage {
  v: 1;
  kind: 'alert' | 'escalation';
  alertId: string;
  rule: string;
  summary: string;
  cameraName: string;
  zoneName: string;
  zone: string;
  severity: string;
  at: string;
  image: string | null;
  level: number;
  url: string;
}
interface SwEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface SwPushEvent extends SwEvent {
  data: { json(): unknown } | null;
}
interface SwNotificationEvent extends SwEvent {
  notification: Notification;
  action: string;
}
interface SwScope {
  registration: ServiceWorkerRegistration;
  clients: {
    claim(): Promise<void>;
    matchAll(
      o: object,
    ): Promise<{ url: string; focus(): Promise<unknown>; navigate(u: string): Promise<unknown> }[]>;
    openWindow(url: string): Promise<unknown>;
  };
  skipWaiting(): Promise<void>;
  addEventListener(type: string, fn: (e: never) => void): void;
  location: Location;
}
const sw = self as unknown as SwScope;
const SNOOZE_MINUTES = 15;
const RULES: Record<string, string> = {
  loitering: 'Loitering',
  concealment: 'Concealment',
  intrusion: 'Intrusion',
  walkout: 'Walkout',
};

/** The token the console keeps for this worker (IndexedDB vigil/kv/token). */
function storedToken(): Promise<string | null> {
  return new Promise((resolve) => {
    const open = indexedDB.open('vigil', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('kv');
    open.onerror = () => resolve(null);
    open.onsuccess = () => {
      const get = open.result.transaction('kv').objectStore('kv').get('token');
      get.onsuccess = () => resolve(typeof get.result === 'string' ? get.result : null);
      get.onerror = () => resolve(null);
    };
  });
}

/** The person's crop as a data: URL (the API wants the token; notifications fetch without it). */
async function picture(path: string | null, token: string | null): Promise<string | undefined> {
  if (!path || !token) return undefined;
  try {
    const res = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) return undefined;
    const bytes = new Uint8Array(await res.arrayBuffer());
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000)
      bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return `data:image/jpeg;base64,${btoa(bin)}`;
  } catch {
    return undefined;
  }
}

async function show(m: PushMessage): Promise<void> {
  const what = `${RULES[m.rule] ?? m.rule} · ${m.zoneName || m.zone}`;
  const title = m.kind === 'escalation' ? `Unanswered: ${what}` : what;
  const image = await picture(m.image, await storedToken());
  await sw.registration.showNotification(title, {
    body: `${m.cameraName} · ${m.severity}\n${m.summary}`,
    tag: m.alertId,
    data: m,
    icon: '/console/icon-192.png',
    badge: '/console/icon-192.png',
    requireInteraction: true,
    timestamp: Date.parse(m.at),
    actions: [
      { action: 'ack', title: 'Acknowledge' },
      { action: 'snooze', title: `Snooze ${SNOOZE_MINUTES} min` },
    ],
    ...(image ? { image } : {}),
    renotify: true,
  } as NotificationOptions);
}

/** Answers the alert with this device's login; a failure says so in a notification. */
async function answer(m: PushMessage, command: 'ack' | 'snooze'): Promise<void> {
  const token = await storedToken();
  let why = 'log in on this device first';
  if (token) {
    try {
      const res = await fetch(`/api/alerts/${m.alertId}/${command}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(command === 'snooze' ? { minutes: SNOOZE_MINUTES } : {}),
      });
      if (res.ok) return;
      why =
        ((await res.json().catch(() => ({}))) as { message?: string }).message ??
        `HTTP ${res.status}`;
    } catch {
      why = 'no connection to Vigil';
    }
  }
  await sw.registration.showNotification('Not sent', {
    body: `${command === 'ack' ? 'Acknowledge' : 'Snooze'}: ${why}`,
    tag: `${m.alertId}-failed`,
    data: m,
  });
}

async function open(m: PushMessage): Promise<void> {
  const url = new URL(m.url || '/', sw.location.origin).href;
  const pages = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const page = pages[0];
  if (page) {
    await page.navigate(url).catch(() => undefined);
    await page.focus();
  } else await sw.clients.openWindow(url);
}

/** Runs `p` for the event; a synthetic event may refuse waitUntil, the work still runs. */
function keep(e: SwEvent, p: Promise<unknown>): void {
  try {
    e.waitUntil(p);
  } catch {
    void p;
  }
}

sw.addEventListener('install', () => void sw.skipWaiting());
sw.addEventListener('activate', (e: SwEvent) => keep(e, sw.clients.claim()));
sw.addEventListener('push', (e: SwPushEvent) => {
  const m = e.data?.json() as PushMessage | undefined;
  if (m?.v === 1) keep(e, show(m));
});
sw.addEventListener('notificationclick', (e: SwNotificationEvent) => {
  const m = e.notification.data as PushMessage;
  e.notification.close();
  if (!m?.alertId) return;
  keep(e, e.action === 'ack' || e.action === 'snooze' ? answer(m, e.action) : open(m));
});
