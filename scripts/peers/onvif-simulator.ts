import { createHash, randomBytes, randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An ONVIF device of our own for tests and benchmarks (Profile S, Media ver10): the device and
 * media services over SOAP/HTTP, a WS-Discovery responder, WS-UsernameToken or HTTP digest auth,
 * and an option to reject every credential. The real `onvif` client talks to it.
 *
 * As on real cameras (ONVIF Core, pre-auth access class), GetSystemDateAndTime, GetServices and
 * GetCapabilities answer without credentials; everything else needs them. That is what makes a
 * wrong password look like a camera with no profiles to a naive client.
 */
export interface SimProfile {
  token: string;
  width: number;
  height: number;
  fps: number;
  /** The RTSP URI this profile streams from (the RTSP test peer). */
  rtsp: string;
}

export interface OnvifSimOptions {
  user: string;
  password: string;
  /** wsse: WS-UsernameToken PasswordDigest; digest: HTTP digest (WS-Security headers ignored). */
  auth: 'wsse' | 'digest';
  profiles: SimProfile[];
  snapshotUri?: string;
  /** Served at GET /snapshot.jpg behind digest auth (set snapshotUri to `${xaddr origin}/snapshot.jpg`). */
  snapshotJpeg?: Buffer;
  rejectCredentials?: boolean;
  manufacturer?: string;
  model?: string;
  /** Answer WS-Discovery probes on udp/3702 (needs multicast; tests use a private namespace). */
  discovery?: boolean;
  host?: string;
}

const NS =
  'xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:trt="http://www.onvif.org/ver10/media/wsdl" xmlns:tt="http://www.onvif.org/ver10/schema" xmlns:ter="http://www.onvif.org/ver10/error"';
const envelope = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><s:Envelope ${NS}><s:Body>${body}</s:Body></s:Envelope>`;
const PRE_AUTH = new Set(['GetSystemDateAndTime', 'GetServices', 'GetCapabilities']);
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export class OnvifSimulator {
  readonly uuid = `urn:uuid:${randomUUID()}`;
  /** Requests by action name, and how many were refused for credentials. */
  readonly requests: string[] = [];
  refused = 0;
  private server: http.Server | undefined;
  private udp: dgram.Socket | undefined;
  private port = 0;
  private readonly nonce = randomBytes(16).toString('hex');

  constructor(private readonly opts: OnvifSimOptions) {}

  get xaddr(): string {
    return `http://${this.opts.host ?? '127.0.0.1'}:${this.port}/onvif/device_service`;
  }

  async start(port = 0): Promise<void> {
    const server = http.createServer((req, res) => this.onRequest(req, res));
    this.server = server;
    await new Promise<void>((resolve) =>
      server.listen(port, this.opts.host ?? '127.0.0.1', resolve),
    );
    this.port = (server.address() as AddressInfo).port;
    if (this.opts.discovery) await this.startDiscovery();
  }

  async stop(): Promise<void> {
    this.udp?.close();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (req.method === 'GET' && req.url === '/snapshot.jpg') return this.onSnapshot(req, res);
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const action = /<(?:\w+:)?Body[^>]*>\s*<(?:\w+:)?(\w+)/.exec(body)?.[1] ?? 'unknown';
      this.requests.push(action);
      if (!PRE_AUTH.has(action)) {
        const refusal = this.authenticate(req, body);
        if (refusal) {
          this.refused++;
          return refusal(res);
        }
      }
      const answer = this.answer(action) ?? this.answerFor(action, body);
      if (!answer) return this.fault(res, 400, 'ter:ActionNotSupported', `${action} not supported`);
      res.writeHead(200, { 'content-type': 'application/soap+xml; charset=utf-8' });
      res.end(envelope(answer));
    });
  }

  /** The snapshot URI: a JPEG behind HTTP digest, as on real cameras. */
  private onSnapshot(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requests.push('snapshot.jpg');
    const refusal = this.digestRefusal(req);
    if (refusal) {
      this.refused++;
      return refusal(res);
    }
    if (!this.opts.snapshotJpeg) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'image/jpeg' });
    res.end(this.opts.snapshotJpeg);
  }

  /** undefined when the request carries valid credentials, else how to refuse it. */
  private authenticate(
    req: http.IncomingMessage,
    body: string,
  ): ((res: http.ServerResponse) => void) | undefined {
    const { user, password, rejectCredentials } = this.opts;
    if (this.opts.auth === 'wsse') {
      const get = (tag: string) =>
        new RegExp(`<(?:\\w+:)?${tag}(?:\\s[^>]*)?>([^<]*)<`).exec(body)?.[1];
      const [u, digest, nonce, created] = [
        get('Username'),
        get('Password'),
        get('Nonce'),
        get('Created'),
      ];
      const expected =
        nonce && created
          ? createHash('sha1')
              .update(
                Buffer.concat([Buffer.from(nonce, 'base64'), Buffer.from(created + password)]),
              )
              .digest('base64')
          : undefined;
      if (!rejectCredentials && u === user && digest !== undefined && digest === expected)
        return undefined;
      return (res) => this.fault(res, 400, 'ter:NotAuthorized', 'Sender not Authorized');
    }
    return this.digestRefusal(req);
  }

  private digestRefusal(
    req: http.IncomingMessage,
  ): ((res: http.ServerResponse) => void) | undefined {
    const { user, password, rejectCredentials } = this.opts;
    const header = req.headers.authorization ?? '';
    const field = (k: string) => new RegExp(`${k}="?([^",]+)"?`).exec(header)?.[1];
    const realm = 'vigil-sim';
    if (header.startsWith('Digest ')) {
      const ha1 = md5(`${user}:${realm}:${password}`);
      const ha2 = md5(`${req.method}:${field('uri')}`);
      const expected = md5(
        `${ha1}:${field('nonce')}:${field('nc')}:${field('cnonce')}:${field('qop')}:${ha2}`,
      );
      if (!rejectCredentials && field('username') === user && field('response') === expected)
        return undefined;
    }
    return (res) => {
      res.writeHead(401, {
        'www-authenticate': `Digest realm="${realm}", qop="auth", nonce="${this.nonce}", algorithm=MD5`,
        'content-type': 'text/plain',
      });
      res.end('Unauthorized');
    };
  }

  private fault(res: http.ServerResponse, status: number, code: string, reason: string): void {
    res.writeHead(status, { 'content-type': 'application/soap+xml; charset=utf-8' });
    res.end(
      envelope(
        `<s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>${code}</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en">${reason}</s:Text></s:Reason></s:Fault>`,
      ),
    );
  }

  private answer(action: string): string | undefined {
    const o = this.opts;
    const now = new Date();
    const service = (ns: string, path: string) =>
      `<tds:Service><tds:Namespace>${ns}</tds:Namespace><tds:XAddr>http://${o.host ?? '127.0.0.1'}:${this.port}${path}</tds:XAddr><tds:Version><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tds:Version></tds:Service>`;
    const profile = (p: SimProfile) =>
      `<trt:Profiles token="${p.token}" fixed="true"><tt:Name>${p.token}</tt:Name><tt:VideoSourceConfiguration token="vsc0"><tt:Name>vsc0</tt:Name><tt:UseCount>${o.profiles.length}</tt:UseCount><tt:SourceToken>vs0</tt:SourceToken><tt:Bounds x="0" y="0" width="${p.width}" height="${p.height}"/></tt:VideoSourceConfiguration><tt:VideoEncoderConfiguration token="ve-${p.token}"><tt:Name>ve-${p.token}</tt:Name><tt:UseCount>1</tt:UseCount><tt:Encoding>H264</tt:Encoding><tt:Resolution><tt:Width>${p.width}</tt:Width><tt:Height>${p.height}</tt:Height></tt:Resolution><tt:RateControl><tt:FrameRateLimit>${p.fps}</tt:FrameRateLimit><tt:EncodingInterval>1</tt:EncodingInterval><tt:BitrateLimit>2048</tt:BitrateLimit></tt:RateControl></tt:VideoEncoderConfiguration></trt:Profiles>`;
    switch (action) {
      case 'GetSystemDateAndTime':
        return `<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings><tt:UTCDateTime><tt:Time><tt:Hour>${now.getUTCHours()}</tt:Hour><tt:Minute>${now.getUTCMinutes()}</tt:Minute><tt:Second>${now.getUTCSeconds()}</tt:Second></tt:Time><tt:Date><tt:Year>${now.getUTCFullYear()}</tt:Year><tt:Month>${now.getUTCMonth() + 1}</tt:Month><tt:Day>${now.getUTCDate()}</tt:Day></tt:Date></tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`;
      case 'GetServices':
        return `<tds:GetServicesResponse>${service('http://www.onvif.org/ver10/device/wsdl', '/onvif/device_service')}${service('http://www.onvif.org/ver10/media/wsdl', '/onvif/media_service')}</tds:GetServicesResponse>`;
      case 'GetCapabilities':
        return `<tds:GetCapabilitiesResponse><tds:Capabilities><tt:Device><tt:XAddr>${this.xaddr}</tt:XAddr></tt:Device><tt:Media><tt:XAddr>http://${o.host ?? '127.0.0.1'}:${this.port}/onvif/media_service</tt:XAddr></tt:Media></tds:Capabilities></tds:GetCapabilitiesResponse>`;
      case 'GetDeviceInformation':
        return `<tds:GetDeviceInformationResponse><tds:Manufacturer>${esc(o.manufacturer ?? 'Vigil')}</tds:Manufacturer><tds:Model>${esc(o.model ?? 'ONVIF simulator')}</tds:Model><tds:FirmwareVersion>1.0.0</tds:FirmwareVersion><tds:SerialNumber>${this.uuid.slice(-12)}</tds:SerialNumber><tds:HardwareId>sim</tds:HardwareId></tds:GetDeviceInformationResponse>`;
      case 'GetProfiles':
        return `<trt:GetProfilesResponse>${o.profiles.map(profile).join('')}</trt:GetProfilesResponse>`;
      case 'GetVideoSources':
        return `<trt:GetVideoSourcesResponse><trt:VideoSources token="vs0"><tt:Framerate>${o.profiles[0]?.fps ?? 15}</tt:Framerate><tt:Resolution><tt:Width>${o.profiles[0]?.width ?? 1920}</tt:Width><tt:Height>${o.profiles[0]?.height ?? 1080}</tt:Height></tt:Resolution></trt:VideoSources></trt:GetVideoSourcesResponse>`;
      default:
        return undefined;
    }
  }

  /** GetStreamUri and GetSnapshotUri: they name a profile token in the request. */
  private answerFor(action: string, body: string): string | undefined {
    const token = /<(?:\w+:)?ProfileToken>([^<]+)</.exec(body)?.[1];
    const p = this.opts.profiles.find((x) => x.token === token);
    const mediaUri = (uri: string) =>
      `<trt:MediaUri><tt:Uri>${esc(uri)}</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri>`;
    if (!p) return undefined;
    if (action === 'GetStreamUri')
      return `<trt:GetStreamUriResponse>${mediaUri(p.rtsp)}</trt:GetStreamUriResponse>`;
    if (action === 'GetSnapshotUri' && this.opts.snapshotUri)
      return `<trt:GetSnapshotUriResponse>${mediaUri(this.opts.snapshotUri)}</trt:GetSnapshotUriResponse>`;
    return undefined;
  }

  private async startDiscovery(): Promise<void> {
    const udp = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    this.udp = udp;
    udp.on('message', (msg, rinfo) => {
      const text = msg.toString();
      if (!/Probe\b/.test(text) || /ProbeMatches/.test(text)) return;
      const messageId = /MessageID[^>]*>([^<]+)</.exec(text)?.[1] ?? '';
      const reply = `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl"><s:Header><a:MessageID>urn:uuid:${randomUUID()}</a:MessageID><a:RelatesTo>${esc(messageId)}</a:RelatesTo><a:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To><a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</a:Action></s:Header><s:Body><d:ProbeMatches><d:ProbeMatch><a:EndpointReference><a:Address>${this.uuid}</a:Address></a:EndpointReference><d:Types>dn:NetworkVideoTransmitter</d:Types><d:Scopes>onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/name/${encodeURIComponent(this.opts.model ?? 'simulator')} onvif://www.onvif.org/hardware/sim</d:Scopes><d:XAddrs>${this.xaddr}</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion></d:ProbeMatch></d:ProbeMatches></s:Body></s:Envelope>`;
      udp.send(reply, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(3702, () => {
        udp.addMembership('239.255.255.250');
        resolve();
      });
    });
  }
}
