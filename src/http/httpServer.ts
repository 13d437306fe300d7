import http from 'node:http';
import type net from 'node:net';
import { Duplex } from 'node:stream';
import type { Registry } from 'prom-client';
import type { Server } from '../server.js';
import { Client } from '../network/client.js';
import { createMetricsRegistry } from './metrics.js';

/** Largest /put body accepted (the value plus JSON overhead): proto-max-bulk-len bounds values anyway. */
const MAX_BODY = 64 * 1024 * 1024;

/**
 * A Duplex that stands in for a socket: what the Client writes is collected, nothing is
 * ever read. It carries the HTTP peer's address so CLIENT-style descriptions (ACL LOG,
 * MONITOR, SLOWLOG) name the real caller.
 */
class ReplyCapture extends Duplex {
  text = '';
  private waiter: (() => void) | null = null;
  constructor(
    readonly remoteAddress: string | undefined,
    readonly remotePort: number | undefined,
  ) {
    super();
  }
  override _read(): void {}
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += typeof chunk === 'string' ? chunk : chunk.toString('latin1');
    this.waiter?.();
    done();
  }
  /** Resolves once one whole reply has arrived. */
  reply(): Promise<string> {
    return new Promise((resolve) => {
      const check = () => {
        if (replyComplete(this.text)) {
          this.waiter = null;
          resolve(this.text);
        }
      };
      this.waiter = check;
      check();
    });
  }
}

/** Whether `s` holds one complete reply of the kinds GET and SET give (+, -, :, $, _). */
function replyComplete(s: string): boolean {
  const le = s.indexOf('\r\n');
  if (le < 0) return false;
  if (s[0] !== '$') return true;
  const n = Number(s.slice(1, le));
  return n < 0 || s.length >= le + 2 + n + 2;
}

type Reply = { kind: 'bulk'; value: string } | { kind: 'null' } | { kind: 'ok' } | { kind: 'error'; message: string };

function parseReply(s: string): Reply {
  if (s[0] === '-') return { kind: 'error', message: s.slice(1, s.indexOf('\r\n')) };
  if (s[0] === '$') {
    const le = s.indexOf('\r\n');
    const n = Number(s.slice(1, le));
    return n < 0 ? { kind: 'null' } : { kind: 'bulk', value: s.slice(le + 2, le + 2 + n) };
  }
  if (s[0] === '_') return { kind: 'null' };
  return { kind: 'ok' };
}

function send(res: http.ServerResponse, status: number, body: string | Buffer, type = 'text/plain; charset=utf-8', headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(body) + '\n', 'application/json', headers);
}

/** HTTP status for an error reply: ACL and auth refusals are 403, wrong types 409, the rest 400/503. */
function errorStatus(message: string): number {
  if (message.startsWith('NOPERM')) return 403;
  if (message.startsWith('NOAUTH') || message.startsWith('WRONGPASS')) return 401;
  if (message.startsWith('WRONGTYPE')) return 409;
  if (message.startsWith('LOADING') || message.startsWith('MISCONF') || message.startsWith('OOM')) return 503;
  return 400;
}

/**
 * The HTTP side port (http-port, off by default; http-bind, 127.0.0.1 by default):
 *
 * - GET /health: 200 while serving, 503 while loading the dataset or shutting down.
 * - GET /metrics: Prometheus text format (src/http/metrics.ts), collected on scrape.
 * - GET /get?key=K[&db=N]: 200 with the value's bytes, 404 when missing.
 * - POST /put with {"key": .., "value": .., "ttl_ms": .., "db": ..}: 200 {"ok":true}.
 *
 * /get and /put run GET and SET through the dispatcher on an internal client, so they
 * obey the same ACL rules, appear in MONITOR, the slow log and the stats, and are logged
 * by persistence like any other command. When the default user needs a password or other
 * ACL users exist, they require HTTP Basic auth with an ACL user (`default` for
 * requirepass); /health and /metrics stay open.
 */
export class HttpSidePort {
  private readonly http: http.Server;
  private registry: Registry | null = null;

  constructor(private readonly server: Server) {
    this.http = http.createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        server.log('warning', `HTTP side port: ${(err as Error)?.stack ?? err}`);
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.destroy();
      });
    });
    // An idle keep-alive connection must not hold the server's shutdown
    this.http.keepAliveTimeout = 5000;
    this.http.headersTimeout = 10_000;
    this.http.requestTimeout = 30_000;
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen({ port, host }, () => {
        this.http.off('error', reject);
        resolve((this.http.address() as net.AddressInfo).port);
      });
    });
  }

  get port(): number {
    return (this.http.address() as net.AddressInfo | null)?.port ?? 0;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  private get metrics(): Registry {
    this.registry ??= createMetricsRegistry(this.server);
    return this.registry;
  }

  /** Created with the listener, so sales loaded at startup are seen by /metrics. */
  prepare(): void {
    void this.metrics;
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://holdfast');
    const server = this.server;
    switch (url.pathname) {
      case '/health': {
        if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'method not allowed' }, { allow: 'GET' });
        const status = server.shuttingDown ? 'shutting down' : server.dispatcher.loading ? 'loading' : 'ok';
        return sendJson(res, status === 'ok' ? 200 : 503, { status });
      }
      case '/metrics': {
        if (req.method !== 'GET') return sendJson(res, 405, { error: 'method not allowed' }, { allow: 'GET' });
        return send(res, 200, await this.metrics.metrics(), this.metrics.contentType);
      }
      case '/get': {
        if (req.method !== 'GET') return sendJson(res, 405, { error: 'method not allowed' }, { allow: 'GET' });
        const key = url.searchParams.get('key');
        if (key === null) return sendJson(res, 400, { error: 'missing key parameter' });
        const db = parseDb(url.searchParams.get('db'));
        if (db === null) return sendJson(res, 400, { error: 'invalid db' });
        const reply = await this.run(req, res, db, ['GET', utf8ToLatin1(key)]);
        if (reply === null) return;
        if (reply.kind === 'null') return sendJson(res, 404, { error: 'not found' });
        if (reply.kind === 'error') return sendJson(res, errorStatus(reply.message), { error: reply.message });
        return send(res, 200, Buffer.from(reply.kind === 'bulk' ? reply.value : '', 'latin1'), 'application/octet-stream');
      }
      case '/put': {
        if (req.method !== 'POST' && req.method !== 'PUT') return sendJson(res, 405, { error: 'method not allowed' }, { allow: 'POST' });
        const body = await readBody(req);
        if (body === null) return sendJson(res, 413, { error: 'body too large' });
        let input: { key?: unknown; value?: unknown; ttl_ms?: unknown; db?: unknown };
        try {
          input = JSON.parse(body.toString('utf8')) as typeof input;
        } catch {
          return sendJson(res, 400, { error: 'body is not JSON' });
        }
        if (input === null || typeof input !== 'object') return sendJson(res, 400, { error: 'body must be a JSON object' });
        if (typeof input.key !== 'string') return sendJson(res, 400, { error: 'key must be a string' });
        if (typeof input.value !== 'string' && typeof input.value !== 'number') return sendJson(res, 400, { error: 'value must be a string or a number' });
        const argv = ['SET', utf8ToLatin1(input.key), utf8ToLatin1(String(input.value))];
        if (input.ttl_ms !== undefined && input.ttl_ms !== null) {
          if (typeof input.ttl_ms !== 'number' || !Number.isSafeInteger(input.ttl_ms) || input.ttl_ms <= 0) {
            return sendJson(res, 400, { error: 'ttl_ms must be a positive integer' });
          }
          argv.push('PX', String(input.ttl_ms));
        }
        const db = parseDb(input.db === undefined ? null : String(input.db));
        if (db === null) return sendJson(res, 400, { error: 'invalid db' });
        const reply = await this.run(req, res, db, argv);
        if (reply === null) return;
        if (reply.kind === 'error') return sendJson(res, errorStatus(reply.message), { error: reply.message });
        return sendJson(res, 200, { ok: true });
      }
      default:
        return sendJson(res, 404, { error: 'no such endpoint' });
    }
  }

  /**
   * Runs one command as the request's user on an internal client. Replies null (after
   * answering 401) when credentials are needed and missing or wrong.
   */
  private async run(req: http.IncomingMessage, res: http.ServerResponse, db: number, argv: string[]): Promise<Reply | null> {
    const server = this.server;
    const acl = server.acl;
    const capture = new ReplyCapture(req.socket.remoteAddress, req.socket.remotePort);
    const client = new Client(server, capture);
    client.name = 'http';
    client.reply.onError = server.dispatcher.countError;
    try {
      const credentials = basicCredentials(req.headers.authorization);
      const needed = !acl.defaultUser.nopass || !acl.defaultUser.enabled || acl.users.size > 1;
      if (credentials !== null) {
        if (!acl.authenticate(client, credentials.user, credentials.password, 'HTTP')) {
          sendJson(res, 401, { error: 'WRONGPASS invalid username-password pair or user is disabled.' }, { 'www-authenticate': 'Basic realm="holdfast"' });
          return null;
        }
      } else if (needed) {
        sendJson(res, 401, { error: 'authentication required' }, { 'www-authenticate': 'Basic realm="holdfast"' });
        return null;
      } else {
        client.authenticated = true;
      }
      if (db >= server.keyspace.dbs.length) return { kind: 'error', message: 'ERR DB index is out of range' };
      client.dbIndex = db;
      server.dispatcher.execute(client, argv);
      client.flush();
      return parseReply(await capture.reply());
    } finally {
      client.close();
    }
  }
}

function parseDb(s: string | null): number | null {
  if (s === null || s === '') return 0;
  if (!/^\d{1,5}$/.test(s)) return null;
  return Number(s);
}

/** Keys and values are bytes: JSON and URLs carry UTF-8 text, Holdfast stores latin1 strings (one char per byte). */
function utf8ToLatin1(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

function basicCredentials(header: string | undefined): { user: string; password: string } | null {
  if (header === undefined) return null;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (m === null) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('latin1');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function readBody(req: http.IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
