import os from 'node:os';
import { VigilError, errorMessage } from '../core/errors';
import { redactUrl } from '../core/logger';
import { discover, readDevice } from './onvif-adapter';
import type { Credentials, DeviceDetails, DiscoveredDevice } from './onvif-adapter';

export interface DiscoveryResult extends DiscoveredDevice {
  /** Read with the given credentials; stream and snapshot URIs carry no credentials. */
  device: DeviceDetails | null;
  /** Why the device could not be read (auth, unreachable, ...), or null. */
  error: { code: string; message: string } | null;
}

export interface DiscoveryRequest {
  interface?: string;
  timeoutMs: number;
  credentials?: Credentials;
}

const mask = (uri: string | null) => (uri === null ? null : redactUrl(uri));

function masked(d: DeviceDetails): DeviceDetails {
  return {
    ...d,
    main: d.main && { ...d.main, uri: redactUrl(d.main.uri) },
    sub: d.sub && { ...d.sub, uri: redactUrl(d.sub.uri) },
    snapshotUri: mask(d.snapshotUri),
  };
}

/**
 * Probes the network, then reads every device found with the credentials, if any (one device
 * failing never hides the others). The API and `npm run discover` share it.
 */
export async function discoverDevices(
  req: DiscoveryRequest,
  interfaces: () => string[] = () => Object.keys(os.networkInterfaces()),
): Promise<DiscoveryResult[]> {
  // A probe on an interface that does not exist sends nothing and finds nothing: an error, not
  // an empty network.
  if (req.interface !== undefined && !interfaces().includes(req.interface))
    throw new VigilError(
      'VIGIL_ERR_DISCOVERY_FAILED',
      `no network interface "${req.interface}" here (there are: ${interfaces().join(', ')})`,
      { details: [{ path: '/interface', message: 'no such network interface' }] },
    );
  const found = await discover({ interface: req.interface, timeoutMs: req.timeoutMs });
  return Promise.all(
    found.map(async (f): Promise<DiscoveryResult> => {
      if (!req.credentials) return { ...f, device: null, error: null };
      try {
        return {
          ...f,
          device: masked(await readDevice(f.xaddrs[0]!, req.credentials)),
          error: null,
        };
      } catch (err) {
        const code = err instanceof VigilError ? err.code : 'VIGIL_ERR_ONVIF_FAILED';
        return { ...f, device: null, error: { code, message: redactUrl(errorMessage(err)) } };
      }
    }),
  );
}
