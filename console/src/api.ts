/** The daemon's API from the console: the bearer token kept on this device, errors with codes. */
const KEY = 'vigil.token';

export interface Session {
  name: string;
  role: 'viewer' | 'clerk' | 'admin';
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

export const token = {
  get: (): string | null => localStorage.getItem(KEY),
  set: (t: string) => localStorage.setItem(KEY, t),
  clear: () => localStorage.removeItem(KEY),
};

/**
 * A pairing link (`npm run token -- clerk ann` prints one) carries the token in the URL fragment,
 * which browsers never send to a server: stored here, then wiped from the address bar.
 */
export function takeTokenFromLink(): void {
  const m = /(?:^#|&)token=([A-Za-z0-9_-]{8,200})/.exec(location.hash);
  if (!m) return;
  token.set(m[1]!);
  history.replaceState(null, '', location.pathname);
}

export async function api<T>(
  path: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<{ body: T; headers: Headers }> {
  const headers = new Headers(init.headers);
  const t = token.get();
  if (t) headers.set('authorization', `Bearer ${t}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  const res = await fetch(path, { ...init, headers, body });
  if (!res.ok) {
    const e = (await res.json().catch(() => ({}))) as {
      code?: string;
      message?: string;
      details?: { path: string; message: string }[];
    };
    throw new ApiError(
      res.status,
      e.code ?? `HTTP_${res.status}`,
      e.message ?? res.statusText,
      e.details,
    );
  }
  const type = res.headers.get('content-type') ?? '';
  const parsed = type.includes('json')
    ? await res.json()
    : res.status === 204
      ? undefined
      : await res.blob();
  return { body: parsed as T, headers: res.headers };
}

const images = new Map<string, string>();

/** An image or clip the API serves behind the token, as an object URL (cached per path unless `fresh`). */
export async function blobUrl(path: string, fresh = false): Promise<string> {
  const known = images.get(path);
  if (known && !fresh) return known;
  const { body } = await api<Blob>(path);
  const url = URL.createObjectURL(body);
  if (known) URL.revokeObjectURL(known);
  images.set(path, url);
  return url;
}
