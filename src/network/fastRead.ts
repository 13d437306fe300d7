import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';

/**
 * The buffer every connection reads into. One is enough: Node reads one socket at a time
 * and calls back synchronously, and a connection copies out whatever it has not consumed
 * before returning (RequestParser.release), so the next read may overwrite it.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/**
 * Views of READ_BUFFER by length, made once: requests of a given client tend to come in the
 * same sizes, and a view per read is an allocation per read. Only small sizes are kept.
 */
const VIEWS: (Buffer | undefined)[] = [];
const MAX_CACHED_VIEW = 4096;

function readView(nread: number): Buffer {
  if (nread > MAX_CACHED_VIEW) return READ_BUFFER.subarray(0, nread);
  return (VIEWS[nread] ??= READ_BUFFER.subarray(0, nread));
}

export type ReadCallback = (chunk: Buffer) => void;

type HandleSocket = net.Socket & { _handle: object | null };

/**
 * Moves an accepted TCP connection onto a socket that reads with Node's `onread` option,
 * so each read calls `onRead` directly with a view of a reused buffer: no Buffer
 * allocation and no Readable stream machinery ('data' events, flowing-mode bookkeeping)
 * per read. Measured with redis-benchmark -P 1 (one read per request), this is about a
 * third of Node's user CPU per request.
 *
 * `onread` is public only for sockets we connect ourselves, so the connection's handle is
 * moved to a new net.Socket created with it (the same path Node's cluster module uses to
 * wrap a handle); the accepting socket, left without a handle, is destroyed so the
 * listening server does not count it. Options such as TCP_NODELAY and keepalive live on
 * the handle and carry over.
 *
 * Returns null when the socket cannot be adopted (not a TCP socket with a handle, or data
 * already read): the caller then uses 'data' events.
 */
export function adoptForFastRead(socket: Duplex, onRead: ReadCallback): net.Socket | null {
  // A TLS socket's handle carries ciphertext: only plain TCP sockets are adopted (src/network/tls.ts)
  if (!(socket instanceof net.Socket) || socket instanceof tls.TLSSocket) return null;
  const s = socket as HandleSocket;
  if (s._handle === null || s._handle === undefined || s.connecting || s.readableLength > 0 || s.destroyed) return null;
  const handle = s._handle;
  s._handle = null;
  const fast = new net.Socket({
    handle,
    allowHalfOpen: s.allowHalfOpen,
    onread: {
      buffer: READ_BUFFER,
      callback: (nread: number) => {
        onRead(readView(nread));
      },
    },
  } as net.SocketConstructorOpts);
  s.destroy();
  // Flowing mode, so the end of the stream (the peer's FIN) is noticed and emitted.
  fast.resume();
  return fast;
}
