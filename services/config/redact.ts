import { VigilError } from '../core/errors';
import { redactUrl } from '../core/logger';

export const REDACTED = '[redacted]';
/** What redactUrl puts in place of a URL's user and password. */
const URL_MARK = '***:***@';
/** Paths of private keys: hidden from readers. */
const KEY_FILES = ['keyFile', 'embeddedKeyFile', 'tlsKeyFile'];
/** Camera source fields that may carry credentials. */
const URL_KEYS = ['url', 'snapshotUrl'] as const;

type Raw = Record<string, unknown>;

/**
 * A copy of a raw config with secrets hidden: passwords and credentials in camera URLs. For
 * `reader` (a viewer or clerk) also every stored hash (API tokens, MQTT logins) and the paths of
 * private keys: an admin gets those back to round-trip the file, nobody else needs them.
 */
export function redactConfig(raw: Raw, who: 'admin' | 'reader' = 'admin'): Raw {
  const out = structuredClone(raw) as Raw & {
    mqtt?: Raw & { users?: Raw[] };
    api?: Raw & { tokens?: Raw[] };
    cameras?: { source?: Raw }[];
  };
  if (out.mqtt && typeof out.mqtt.password === 'string' && out.mqtt.password)
    out.mqtt.password = REDACTED;
  for (const c of out.cameras ?? [])
    for (const key of URL_KEYS)
      if (c?.source && typeof c.source[key] === 'string')
        c.source[key] = redactUrl(c.source[key] as string);
  if (who === 'admin') return out;
  const hide = (o: Raw | undefined, keep: (k: string) => boolean) => {
    if (o && typeof o === 'object')
      for (const k of Object.keys(o)) if (!keep(k) && o[k] !== '') o[k] = REDACTED;
  };
  const login = (k: string) => k === 'name' || k === 'role';
  for (const t of Array.isArray(out.api?.tokens) ? out.api.tokens : []) hide(t, login);
  for (const u of Array.isArray(out.mqtt?.users) ? out.mqtt.users : []) hide(u, login);
  hide(out.mqtt, (k) => !KEY_FILES.includes(k));
  hide(out.api, (k) => !KEY_FILES.includes(k));
  return out;
}

/**
 * A config sent back after GET still holds the redaction marks: put the stored secrets back so a
 * round trip never wipes a password. A secret goes back only to its owner unchanged: the MQTT
 * password only while mqtt.url and mqtt.username stay as they are (else it would be sent to
 * whatever broker the new URL names), a camera URL's credentials only to the same camera and the
 * same URL. A redaction mark left where its owner changed is refused with
 * VIGIL_ERR_REQUEST_INVALID, never stored as a password.
 */
export function restoreRedacted(next: Raw, current: Raw): Raw {
  const out = structuredClone(next) as Raw & {
    mqtt?: Raw;
    cameras?: { id?: string; source?: Raw }[];
  };
  const cur = current as Raw & { mqtt?: Raw; cameras?: { id?: string; source?: Raw }[] };
  if (out.mqtt?.password === REDACTED) {
    const same = (k: string) => (out.mqtt?.[k] ?? '') === (cur.mqtt?.[k] ?? '');
    if (!same('url') || !same('username'))
      throw new VigilError(
        'VIGIL_ERR_REQUEST_INVALID',
        'mqtt.password is redacted but mqtt.url or mqtt.username changed: send the password for the new broker',
        {
          details: [
            { path: '/mqtt/password', message: 'the stored password belongs to another broker' },
          ],
        },
      );
    out.mqtt.password = cur.mqtt?.password ?? '';
  }
  (Array.isArray(out.cameras) ? out.cameras : []).forEach((c, i) => {
    for (const key of URL_KEYS) {
      const url = c?.source?.[key];
      if (typeof url !== 'string' || !url.includes(URL_MARK)) continue;
      const old = cur.cameras?.find((x) => x.id === c.id)?.source?.[key];
      if (typeof old === 'string' && redactUrl(old) === url) c.source![key] = old;
      else
        throw new VigilError(
          'VIGIL_ERR_REQUEST_INVALID',
          `cameras[${i}].source.${key} holds the redaction mark ${URL_MARK} but is not that camera's stored URL: send the user and password for the new URL`,
          {
            details: [
              {
                path: `/cameras/${i}/source/${key}`,
                message: 'the stored credentials belong to another URL or camera',
              },
            ],
          },
        );
    }
  });
  return out;
}
