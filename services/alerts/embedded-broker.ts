import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import Aedes from 'aedes';
import { VigilError } from '../core/errors';
import type { Logger } from '../core/logger';

/**
 * An in-process MQTT broker (aedes) for single-box installs and the demo. Production sites
 * usually point `mqtt.url` at their own mosquitto.
 */
export class EmbeddedBroker {
  private readonly broker = new Aedes();
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly log: Logger,
  ) {
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      this.broker.handle(socket);
    });
    this.broker.on('clientError', (client, err) =>
      this.log.debug({ client: client.id, err: err.message }, 'mqtt client error'),
    );
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', (err) =>
        reject(
          new VigilError(
            'VIGIL_ERR_BROKER_START',
            `embedded broker cannot listen on ${this.host}:${this.port}: ${err.message}`,
            { cause: err },
          ),
        ),
      );
      this.server.listen(this.port, this.host, () => resolve());
    });
    const addr = this.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : this.port;
    this.log.info({ host: this.host, port }, 'embedded MQTT broker listening');
    return port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
  }
}
