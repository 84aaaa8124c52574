import { Cam, Discovery } from 'onvif';
import { VigilError, errorMessage } from '../core/errors';
import type { ErrorCode } from '../core/errors';

/**
 * The one place Vigil touches the `onvif` package (0.8.3). It works around what that version does
 * on its own: a 120 s default request timeout; a wrong password that "connects" with zero profiles
 * and a `warning` event (then getStreamUri throws synchronously); WS-Discovery that crashes the
 * process without an `error` listener when a non-ONVIF device answers; and `resolve: true`, which
 * connects to every device found without credentials.
 */

export interface DiscoveredDevice {
  /** WS-Discovery endpoint reference (urn:uuid:...), stable per device. */
  urn: string;
  /** Device service URLs the device announced. */
  xaddrs: string[];
  /** Host of the first XAddr. */
  address: string;
  /** onvif://www.onvif.org/name/... and /hardware/... scopes, decoded. */
  name: string | null;
  hardware: string | null;
}

export interface OnvifProfile {
  token: string;
  name: string;
  encoding: string | null;
  width: number | null;
  height: number | null;
  fps: number | null;
}

export interface DeviceDetails {
  xaddr: string;
  manufacturer: string | null;
  model: string | null;
  firmware: string | null;
  serial: string | null;
  profiles: OnvifProfile[];
  /** Highest resolution profile: for snapshots and recording. */
  main: { profile: string; uri: string } | null;
  /** Lowest resolution profile (when there is more than one): for analysis. */
  sub: { profile: string; uri: string } | null;
  snapshotUri: string | null;
}

export interface Credentials {
  username: string;
  password: string;
}

const REQUEST_TIMEOUT_MS = 5000;
const AUTH_TEXT = /(NotAuthorized|not authori[sz]ed|Unauthorized|authentication failed|\b401\b)/i;

function fail(code: ErrorCode, message: string, cause?: unknown): VigilError {
  return new VigilError(code, message, cause === undefined ? undefined : { cause });
}

/** Maps an onvif/HTTP error to our codes. */
export function onvifError(err: unknown, xaddr: string): VigilError {
  const msg = errorMessage(err);
  if (AUTH_TEXT.test(msg))
    return fail('VIGIL_ERR_ONVIF_AUTH', `${xaddr} refused the credentials: ${msg}`, err);
  if (/(ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|timeout|ENOTFOUND|EAI_AGAIN)/i.test(msg))
    return fail('VIGIL_ERR_ONVIF_UNREACHABLE', `${xaddr} did not answer: ${msg}`, err);
  return fail('VIGIL_ERR_ONVIF_FAILED', `${xaddr}: ${msg}`, err);
}

/** Calls a callback-style Cam method as a promise, catching what it throws synchronously. */
function call<T>(cam: Cam, fn: (cb: (err: Error | null, v?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    try {
      fn.call(cam, (err, v) => (err ? reject(err) : resolve(v as T)));
    } catch (err) {
      reject(err);
    }
  });
}

const text = (v: unknown): string | null =>
  v === undefined || v === null || typeof v === 'object' ? null : String(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function profileOf(p: Record<string, unknown>): OnvifProfile {
  const enc = (p.videoEncoderConfiguration ?? {}) as {
    encoding?: unknown;
    resolution?: { width?: unknown; height?: unknown };
    rateControl?: { frameRateLimit?: unknown };
  };
  return {
    token: String((p.$ as { token?: unknown } | undefined)?.token ?? ''),
    name: text(p.name) ?? '',
    encoding: text(enc.encoding),
    width: num(enc.resolution?.width),
    height: num(enc.resolution?.height),
    fps: num(enc.rateControl?.frameRateLimit),
  };
}

/**
 * Connects with credentials and reads device information, profiles, main and sub stream URIs
 * and the snapshot URI. A refused password is an error (VIGIL_ERR_ONVIF_AUTH), never a device
 * with no profiles.
 */
export async function readDevice(
  xaddr: string,
  creds: Credentials,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<DeviceDetails> {
  let url: URL;
  try {
    url = new URL(xaddr);
  } catch (err) {
    throw fail('VIGIL_ERR_REQUEST_INVALID', `not a URL: ${xaddr}`, err);
  }
  const cam = new Cam({
    hostname: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
    path: url.pathname,
    username: creds.username,
    password: creds.password,
    useSecure: url.protocol === 'https:',
    timeout: timeoutMs,
    autoconnect: false,
  });
  const warnings: string[] = [];
  cam.on('warning', (w: unknown) => warnings.push(errorMessage(w)));
  try {
    await call<void>(cam, (cb) => cam.connect(cb));
    const profiles = (cam.profiles ?? []).map((p) => profileOf(p as Record<string, unknown>));
    if (profiles.length === 0) {
      // 0.8.3 reports a refused GetProfiles as a warning and an empty list: ask again for the error.
      await call(cam, (cb) => cam.getProfiles(cb));
      throw fail(
        'VIGIL_ERR_ONVIF_FAILED',
        `${xaddr} has no media profile${warnings.length ? ` (${warnings.join('; ')})` : ''}`,
      );
    }
    const info = await call<Record<string, unknown>>(cam, (cb) => cam.getDeviceInformation(cb));
    const byArea = [...profiles].sort(
      (a, b) => (b.width ?? 0) * (b.height ?? 0) - (a.width ?? 0) * (a.height ?? 0),
    );
    const streamUri = async (p: OnvifProfile) => ({
      profile: p.token,
      uri: (
        await call<{ uri: string }>(cam, (cb) =>
          cam.getStreamUri({ protocol: 'RTSP', profileToken: p.token }, cb),
        )
      ).uri,
    });
    const main = await streamUri(byArea[0]!);
    const sub = byArea.length > 1 ? await streamUri(byArea.at(-1)!) : null;
    const snapshotUri = await call<{ uri: string }>(cam, (cb) =>
      cam.getSnapshotUri({ profileToken: byArea[0]!.token }, cb),
    ).then(
      (r) => r.uri,
      () => null, // optional in Profile S
    );
    return {
      xaddr,
      manufacturer: text(info.manufacturer),
      model: text(info.model),
      firmware: text(info.firmwareVersion),
      serial: text(info.serialNumber),
      profiles,
      main,
      sub,
      snapshotUri,
    };
  } catch (err) {
    throw err instanceof VigilError ? err : onvifError(err, xaddr);
  }
}

let probing: Promise<unknown> = Promise.resolve();

/**
 * WS-Discovery probe for NetworkVideoTransmitters on one interface (or the default). Probes run
 * one at a time (the package's Discovery is a process-wide singleton). Answers that are not
 * ONVIF are ignored, never fatal. Nothing is connected to: `readDevice` does that, with
 * credentials.
 */
export function discover(opts: {
  interface?: string;
  timeoutMs: number;
}): Promise<DiscoveredDevice[]> {
  const run = probing.then(() => probeOnce(opts));
  probing = run.catch(() => undefined);
  return run;
}

function probeOnce(opts: { interface?: string; timeoutMs: number }): Promise<DiscoveredDevice[]> {
  if (Discovery.listenerCount('error') === 0) Discovery.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    Discovery.probe(
      { resolve: false, timeout: opts.timeoutMs, device: opts.interface },
      (err, devices) => {
        if (err && !Array.isArray(err))
          return reject(
            fail('VIGIL_ERR_DISCOVERY_FAILED', `WS-Discovery failed: ${errorMessage(err)}`, err),
          );
        resolve(
          (devices ?? []).map((d) => deviceOf(d as ProbeMatch)).filter((d) => d !== undefined),
        );
      },
    );
  });
}

interface ProbeMatch {
  probeMatches?: {
    probeMatch?: { endpointReference?: { address?: unknown }; XAddrs?: unknown; scopes?: unknown };
  };
}

function deviceOf(raw: ProbeMatch): DiscoveredDevice | undefined {
  const m = raw.probeMatches?.probeMatch;
  const urn = text(m?.endpointReference?.address);
  const xaddrs = (text(m?.XAddrs) ?? '').split(/\s+/).filter(Boolean);
  if (!urn || xaddrs.length === 0) return undefined;
  const scopes = (text(m?.scopes) ?? '').split(/\s+/);
  const scope = (kind: string) => {
    const s = scopes.find((x) => x.startsWith(`onvif://www.onvif.org/${kind}/`));
    return s ? decodeURIComponent(s.slice(`onvif://www.onvif.org/${kind}/`.length)) : null;
  };
  let address: string;
  try {
    address = new URL(xaddrs[0]!).hostname;
  } catch {
    return undefined;
  }
  return { urn, xaddrs, address, name: scope('name'), hardware: scope('hardware') };
}

/** rtsp://host/... with the credentials in it (ffmpeg needs them in the URL). */
export function withCredentials(uri: string, creds: Credentials): string {
  const u = new URL(uri);
  u.username = encodeURIComponent(creds.username);
  u.password = encodeURIComponent(creds.password);
  return u.toString();
}
