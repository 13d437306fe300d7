import net from 'node:net';
import { encodeCommand, replyLength } from './resp.js';

/**
 * A bare socket client that returns each reply as its raw RESP text (latin1), for exact
 * comparisons and for sending malformed input.
 */
export class RawClient {
  private buf = Buffer.alloc(0);
  private waiters: { resolve: (s: string) => void; reject: (e: Error) => void }[] = [];
  private replies: string[] = [];
  closed = false;
  private closeWaiters: (() => void)[] = [];

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.buf = Buffer.concat([this.buf, chunk]);
      for (;;) {
        const n = replyLength(this.buf);
        if (n < 0) break;
        const text = this.buf.toString('latin1', 0, n);
        this.buf = this.buf.subarray(n);
        const w = this.waiters.shift();
        if (w) w.resolve(text);
        else this.replies.push(text);
      }
    });
    const onClose = () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w.reject(new Error('connection closed'));
      for (const c of this.closeWaiters.splice(0)) c();
    };
    socket.on('close', onClose);
    socket.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host }, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  /** Sends one command and waits for its reply (raw RESP text). */
  call(...argv: (string | Buffer)[]): Promise<string> {
    this.socket.write(encodeCommand(argv));
    return this.read();
  }

  /** Writes bytes as they are. */
  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /**
   * The next reply (raw RESP text), waiting up to timeoutMs. The default is generous: a
   * pipeline of thousands of calls on a loaded 2-core CI machine can take seconds; tests
   * that expect silence pass a short timeout.
   */
  read(timeoutMs = 30_000): Promise<string> {
    const queued = this.replies.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.closed) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      const w = {
        resolve: (s: string) => {
          clearTimeout(timer);
          resolve(s);
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.push(w);
    });
  }

  /** Resolves when the server closes the connection. */
  waitClosed(timeoutMs = 30_000): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('connection still open')), timeoutMs);
      this.closeWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
