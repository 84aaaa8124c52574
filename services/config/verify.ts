import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ProblemDetail } from '../core/errors';
import { polygonArea, segmentsIntersect } from '../core/geometry';
import type { Config } from './schema';

/**
 * Cross-field checks the schema cannot express. Returns every problem found, never throws.
 */
export function verifyConfig(config: Config, baseDir?: string): ProblemDetail[] {
  const problems: ProblemDetail[] = [];
  const seen = new Set<string>();
  config.cameras.forEach((camera, ci) => {
    const at = `/cameras/${ci}`;
    if (seen.has(camera.id))
      problems.push({ path: `${at}/id`, message: `duplicate camera id "${camera.id}"` });
    seen.add(camera.id);
    problems.push(...verifySource(camera.source.url, `${at}/source/url`, baseDir));
    if (camera.source.snapshotUrl)
      problems.push(...verifySnapshotUrl(camera.source.snapshotUrl, `${at}/source/snapshotUrl`));
    const zoneIds = new Set<string>();
    camera.zones.forEach((zone, zi) => {
      const zat = `${at}/zones/${zi}`;
      if (zoneIds.has(zone.id))
        problems.push({
          path: `${zat}/id`,
          message: `duplicate zone id "${zone.id}" in camera "${camera.id}"`,
        });
      zoneIds.add(zone.id);
      problems.push(...verifyPolygon(zone.polygon, `${zat}/polygon`));
    });
  });
  problems.push(...verifyMqttTls(config.mqtt, baseDir));
  problems.push(...verifyApiTokens(config.api.tokens));
  problems.push(...verifyMqttUsers(config.mqtt.users));
  const url = config.mqtt.url;
  if (url !== '' && url !== 'embedded' && !/^(mqtts?|wss?|tcp|ssl):\/\/[^/]+/.test(url)) {
    problems.push({
      path: '/mqtt/url',
      message: "must be 'embedded', '' or a mqtt://, mqtts://, ws:// or wss:// URL",
    });
  }
  return problems;
}

/** Each API token is either `id` + `scrypt` or the legacy `sha256`, and ids are unique. */
function verifyApiTokens(tokens: Config['api']['tokens']): ProblemDetail[] {
  const problems: ProblemDetail[] = [];
  const ids = new Set<string>();
  tokens.forEach((t, i) => {
    const at = `/api/tokens/${i}`;
    const modern = t.id !== undefined && t.scrypt !== undefined;
    if (modern === (t.sha256 !== undefined) || (!modern && (t.id ?? t.scrypt) !== undefined))
      problems.push({
        path: at,
        message: 'give id and scrypt (npm run token -- <role> <name>), or the legacy sha256 alone',
      });
    if (t.id !== undefined) {
      if (ids.has(t.id))
        problems.push({ path: `${at}/id`, message: `duplicate token id "${t.id}"` });
      ids.add(t.id);
    }
  });
  return problems;
}

/** A network URL that names a host and parses (`rtsp://`, `rtsp://u:p@[::1` do not). */
function hostProblem(url: string, path: string): ProblemDetail[] {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return [{ path, message: 'is not a valid URL (check brackets, @ and : in it)' }];
  }
  return host ? [] : [{ path, message: 'names no host' }];
}

/**
 * A camera source: rtsp(s):// with a host, or a file. With `baseDir` (a config file or the API),
 * a file must exist: a daemon retrying a missing file for ever helps no one.
 */
function verifySource(url: string, path: string, baseDir?: string): ProblemDetail[] {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'rtsp' || scheme === 'rtsps') return hostProblem(url, path);
  if (scheme === undefined) {
    if (baseDir !== undefined && !existsSync(resolve(baseDir, url)))
      return [{ path, message: `no file ${resolve(baseDir, url)}` }];
    return [];
  }
  if (scheme === 'file') return [];
  return [
    { path, message: `unsupported scheme "${scheme}": use rtsp://, rtsps:// or a file path` },
  ];
}

/** Each MQTT login: one stored form of its password (scrypt, or the older sha256), one name. */
function verifyMqttUsers(users: Config['mqtt']['users']): ProblemDetail[] {
  const problems: ProblemDetail[] = [];
  const names = new Set<string>();
  users.forEach((u, i) => {
    if ((u.scrypt === undefined) === (u.sha256 === undefined))
      problems.push({
        path: `/mqtt/users/${i}`,
        message: `login "${u.name}" needs exactly one of scrypt and sha256`,
      });
    if (names.has(u.name))
      problems.push({ path: `/mqtt/users/${i}/name`, message: `duplicate login "${u.name}"` });
    names.add(u.name);
  });
  return problems;
}

export const MQTT_FILES = [
  'caFile',
  'certFile',
  'keyFile',
  'embeddedCertFile',
  'embeddedKeyFile',
] as const;

/** TLS files of the MQTT connection: certificate and key together, each one present. */
function verifyMqttTls(m: Config['mqtt'], baseDir?: string): ProblemDetail[] {
  const problems: ProblemDetail[] = [];
  if (!m.certFile !== !m.keyFile)
    problems.push({ path: '/mqtt/keyFile', message: 'certFile and keyFile go together' });
  if (!m.embeddedCertFile !== !m.embeddedKeyFile)
    problems.push({
      path: '/mqtt/embeddedKeyFile',
      message: 'embeddedCertFile and embeddedKeyFile go together',
    });
  if (m.embeddedCertFile && m.embeddedTlsPort === m.embeddedPort)
    problems.push({
      path: '/mqtt/embeddedTlsPort',
      message: 'the TLS listener needs a port of its own (embeddedPort is the same)',
    });
  for (const key of MQTT_FILES) {
    const f = m[key];
    if (f && baseDir !== undefined && !existsSync(resolve(baseDir, f)))
      problems.push({ path: `/mqtt/${key}`, message: `no file ${resolve(baseDir, f)}` });
  }
  return problems;
}

/** A still for alert evidence: an http(s) snapshot URI or the rtsp(s) main stream. */
function verifySnapshotUrl(url: string, path: string): ProblemDetail[] {
  if (!/^(https?|rtsps?):\/\//i.test(url))
    return [{ path, message: 'must be an http://, https://, rtsp:// or rtsps:// URL, or empty' }];
  return hostProblem(url, path);
}

/** A polygon must enclose an area and must not cross itself. */
export function verifyPolygon(
  polygon: readonly (readonly number[])[],
  path: string,
): ProblemDetail[] {
  const pts = polygon.map(([x, y]) => ({ x: x ?? 0, y: y ?? 0 }));
  if (pts.length < 3) return [{ path, message: 'needs at least 3 points' }];
  if (polygonArea(pts) < 1e-6)
    return [{ path, message: 'encloses no area (points are collinear or repeated)' }];
  const n = pts.length;
  for (let i = 0; i < n; i++) {
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue;
      if (segmentsIntersect(pts[i]!, pts[(i + 1) % n]!, pts[j]!, pts[(j + 1) % n]!)) {
        return [
          { path, message: `edges ${i} and ${j} cross: the polygon must not intersect itself` },
        ];
      }
    }
  }
  return [];
}
