import { execFileSync } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, readSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * coreutils' mkfifo, by its path first: the daemon may run with a PATH that holds node and little
 * else (a container's minimal environment), as it does for ffmpeg (@ffmpeg-installer's build).
 */
const MKFIFO = ['/usr/bin/mkfifo', '/bin/mkfifo'].find((p) => existsSync(p)) ?? 'mkfifo';
/** Bytes read at a time (a fifth of a 768x576 rgb24 frame). */
const CHUNK_BYTES = 1 << 18;
let made = 0;

/**
 * Where one ffmpeg run writes its raw frames: a named pipe, read through a socket into one fixed
 * buffer. Read from ffmpeg's stdout, every 64 KB arrived in a new buffer: 6.6 MB of garbage a
 * second per camera at 5 fps, which made V8 run a full collection about every 0.7 s in an idle
 * daemon (`--trace-gc`: "external memory pressure"). Here the bytes are copied once, from the
 * fixed buffer into the frame, and nothing is left for the collector.
 *
 * The pipe is opened for reading and writing, so it never reads an end of file before ffmpeg
 * has opened it; its end is ffmpeg's exit, after which drain() reads what is left.
 */
export class FrameFifo {
  readonly path: string;
  private readonly fd: number;
  private socket: net.Socket | undefined;
  private readonly chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  private closed = false;

  constructor(dir = os.tmpdir()) {
    this.path = path.join(dir, `vigil-frames-${process.pid}-${++made}.fifo`);
    execFileSync(MKFIFO, ['-m', '600', this.path]);
    this.fd = openSync(this.path, constants.O_RDWR | constants.O_NONBLOCK);
  }

  /**
   * Starts reading: `onBytes` gets each chunk as it arrives, a view of the fixed buffer that is
   * only valid during the call (copy what you keep). `onError`: the pipe failed.
   */
  read(onBytes: (bytes: Buffer) => void, onError: (err: Error) => void): void {
    if (this.socket || this.closed) return;
    this.socket = new net.Socket({
      fd: this.fd,
      readable: true,
      writable: false,
      onread: {
        buffer: this.chunk,
        callback: (n: number) => {
          onBytes(this.chunk.subarray(0, n)); // the socket read into this.chunk
        },
      },
    } as net.SocketConstructorOpts);
    this.socket.on('error', onError);
  }

  /** Stops reading until resume() (the consumer is behind: ffmpeg then waits on a full pipe). */
  pause(): void {
    this.socket?.pause();
  }

  resume(): void {
    this.socket?.resume();
  }

  /** After ffmpeg exited: stops the socket and hands over the bytes still in the pipe. */
  drain(onBytes: (bytes: Buffer) => void): void {
    if (this.closed) return;
    this.socket?.pause();
    for (;;) {
      let n: number;
      try {
        n = readSync(this.fd, this.chunk, 0, CHUNK_BYTES, null);
      } catch {
        return; // EAGAIN: empty
      }
      if (n <= 0) return;
      onBytes(this.chunk.subarray(0, n));
    }
  }

  /** Closes the pipe and removes its file; safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.socket)
      this.socket.destroy(); // closes the fd
    else closeSync(this.fd);
    try {
      unlinkSync(this.path);
    } catch {
      // already gone
    }
  }
}
