import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Value } from '@sinclair/typebox/value';
import type { ValueError } from '@sinclair/typebox/value';
import { parseDocument } from 'yaml';
import { VigilError } from '../core/errors';
import type { ProblemDetail } from '../core/errors';
import { ConfigSchema } from './schema';
import type { Config } from './schema';
import { MQTT_FILES, verifyConfig } from './verify';

/** Environment variables that override the file (secrets belong here, not in YAML). */
const ENV_OVERRIDES: Record<string, string[]> = {
  VIGIL_MQTT_URL: ['mqtt', 'url'],
  VIGIL_MQTT_USERNAME: ['mqtt', 'username'],
  VIGIL_MQTT_PASSWORD: ['mqtt', 'password'],
  VIGIL_DATA_DIR: ['dataDir'],
  VIGIL_LOG_LEVEL: ['logLevel'],
  VIGIL_API_HOST: ['api', 'host'],
  VIGIL_API_PORT: ['api', 'port'],
  // An image built for one engine names it (docker/Dockerfile.jetson); checked like the file's value.
  VIGIL_INFERENCE_BACKEND: ['inference', 'backend'],
};

/** Every VIGIL_* variable that overrides a config value (each also in its _FILE form). */
export const ENV_OVERRIDE_NAMES = Object.keys(ENV_OVERRIDES);

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
}

/** Reads, overrides from env, fills defaults, validates, verifies and deep-freezes a config file. */
export function loadConfigFile(file: string, options: LoadOptions = {}): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new VigilError('VIGIL_ERR_CONFIG_READ', `cannot read config file ${file}`, {
      cause: err,
    });
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new VigilError('VIGIL_ERR_CONFIG_READ', `${file} is not valid YAML`, {
      details: doc.errors.map((e) => ({
        path: `line ${e.linePos?.[0]?.line ?? '?'}`,
        message: e.message.split('\n')[0] ?? e.message,
      })),
    });
  }
  const raw: unknown = doc.toJS() ?? {};
  const config = parseConfig(raw, {
    env: options.env,
    baseDir: path.dirname(path.resolve(file)),
    source: file,
  });
  return config;
}

/** Same as loadConfigFile for an already parsed object (API bodies, tests). */
export function parseConfig(
  raw: unknown,
  options: LoadOptions & { baseDir?: string; source?: string } = {},
): Config {
  const value = structuredClone(raw);
  applyEnv(value, options.env ?? {});
  const withDefaults = Value.Default(ConfigSchema, value);
  const problems: ProblemDetail[] = [...Value.Errors(ConfigSchema, withDefaults)].map(
    describeError,
  );
  if (problems.length === 0)
    problems.push(...verifyConfig(withDefaults as Config, options.baseDir));
  if (problems.length > 0) {
    const where = options.source ? ` in ${options.source}` : '';
    const details = dedupe(problems);
    const first = `${details[0]!.path}: ${details[0]!.message}`;
    throw new VigilError(
      'VIGIL_ERR_CONFIG_INVALID',
      `${details.length} problem(s)${where}, first ${first}`,
      { details },
    );
  }
  const config = withDefaults as Config;
  if (options.baseDir) resolvePaths(config, options.baseDir);
  return deepFreeze(config);
}

/** VAR, or the content of the file named by VAR_FILE (Docker/Kubernetes secrets), trimmed. */
function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const file = env[`${name}_FILE`];
  if (file === undefined) return env[name];
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new VigilError('VIGIL_ERR_CONFIG_READ', `${name}_FILE=${file} cannot be read`, {
      cause: err,
    });
  }
}

/** The environment variable holding a camera's stream password: VIGIL_CAMERA_<ID>_PASSWORD. */
export function cameraPasswordVar(id: string): string {
  return `VIGIL_CAMERA_${id.toUpperCase().replace(/-/g, '_')}_PASSWORD`;
}

/**
 * A camera's password from VIGIL_CAMERA_<ID>_PASSWORD (or its _FILE, a Docker secret) goes into
 * its rtsp:// URL in memory, so the config file holds no password. The URL must name the user.
 */
function applyCameraSecrets(value: Record<string, unknown>, env: NodeJS.ProcessEnv): void {
  const cameras = Array.isArray(value.cameras) ? value.cameras : [];
  cameras.forEach((c: { id?: unknown; source?: { url?: unknown } }, i: number) => {
    if (typeof c?.id !== 'string' || typeof c.source?.url !== 'string') return;
    const name = cameraPasswordVar(c.id);
    const password = envValue(env, name);
    if (password === undefined) return;
    let url: URL | undefined;
    try {
      url = new URL(c.source.url);
    } catch {
      url = undefined;
    }
    if (!url || !url.username)
      throw new VigilError(
        'VIGIL_ERR_CONFIG_INVALID',
        `${name} is set, but the camera's source.url names no user`,
        {
          details: [
            {
              path: `/cameras/${i}/source/url`,
              message: `name the user (rtsp://user@host/...) for ${name}`,
            },
          ],
        },
      );
    url.password = encodeURIComponent(password);
    c.source.url = url.toString();
  });
}

function applyEnv(value: unknown, env: NodeJS.ProcessEnv): void {
  if (typeof value !== 'object' || value === null) return;
  applyCameraSecrets(value as Record<string, unknown>, env);
  for (const [name, keys] of Object.entries(ENV_OVERRIDES)) {
    const v = envValue(env, name);
    if (v === undefined) continue;
    let node = value as Record<string, unknown>;
    for (const k of keys.slice(0, -1)) {
      if (typeof node[k] !== 'object' || node[k] === null) node[k] = {};
      node = node[k] as Record<string, unknown>;
    }
    const last = keys[keys.length - 1]!;
    node[last] = /^\d+$/.test(v) && last === 'port' ? Number(v) : v;
  }
}

function describeError(e: ValueError): ProblemDetail {
  const allowed = (e.schema as { enumValues?: string[] }).enumValues;
  if (allowed)
    return { path: e.path, message: `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}` };
  if (e.message === 'Unexpected property') {
    return { path: e.path, message: 'unknown key (check the spelling; see config/default.yaml)' };
  }
  return { path: e.path, message: e.message.charAt(0).toLowerCase() + e.message.slice(1) };
}

/** TypeBox reports a union failure once per branch; keep one line per path and message. */
function dedupe(problems: ProblemDetail[]): ProblemDetail[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function resolvePaths(config: Config, baseDir: string): void {
  for (const key of MQTT_FILES)
    if (config.mqtt[key]) config.mqtt[key] = path.resolve(baseDir, config.mqtt[key]);
  for (const camera of config.cameras) {
    const url = camera.source.url;
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !path.isAbsolute(url)) {
      camera.source.url = path.resolve(baseDir, url);
    }
  }
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
