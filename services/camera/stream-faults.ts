/**
 * What kind of fault ended an ffmpeg run, read from its exit and last stderr lines. ffmpeg 5.1
 * ends with code 0 on a server crash, an end of stream and a stall alike, so the text decides.
 */
export type StreamFault = 'auth' | 'unreachable' | 'stalled' | 'exited';

const AUTH = /\b(401 Unauthorized|403 Forbidden|authorization failed)\b/i;
const UNREACHABLE =
  /(Connection refused|Connection timed out|No route to host|Network is unreachable|Host is unreachable|Name or service not known|Temporary failure in name resolution|Failed to resolve hostname)/i;

/**
 * `streamed` says whether this run delivered a frame: a camera that streamed and then dropped is
 * reachable by definition, and retrying it soon is right even if the last line says "refused".
 */
export function classifyFault(stderr: readonly string[], streamed: boolean): StreamFault {
  const text = stderr.slice(-20).join('\n');
  if (AUTH.test(text)) return 'auth';
  if (!streamed && UNREACHABLE.test(text)) return 'unreachable';
  // ffmpeg's own I/O timeout fired before our watchdog: the stream hung, it did not end.
  if (streamed && /timed out/i.test(text)) return 'stalled';
  return 'exited';
}

/** host and port of an rtsp(s) URL, for the cheap TCP probe while a camera is unreachable. */
export function rtspEndpoint(url: string): { host: string; port: number } | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'rtsp:' && u.protocol !== 'rtsps:') return undefined;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = u.port ? Number(u.port) : u.protocol === 'rtsps:' ? 322 : 554;
  return { host, port };
}
