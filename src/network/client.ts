import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { ProtocolError, RequestParser } from '../protocol/requestParser.js';
import { ReplyWriter } from '../protocol/replyWriter.js';
import { Err } from '../protocol/errors.js';
import type { Database } from '../keyspace/database.js';
import type { Subscriber } from '../pubsub/broker.js';
import type { CommandSpec } from '../dispatch/commandSpec.js';
import type { Server } from '../server.js';

/** A reply that is written later (a blocking pop, a sale transition waiting for fsync). */
export class DeferredReply {
  text = '';
  done = false;
  readonly reply: ReplyWriter;
  constructor(resp: 2 | 3) {
    this.reply = new ReplyWriter((t) => {
      this.text += t;
    });
    this.reply.resp = resp;
  }
}

export interface QueuedCommand {
  spec: CommandSpec;
  argv: string[];
}

/** MULTI state: queued commands and whether a queuing error doomed the EXEC. */
export interface MultiState {
  queue: QueuedCommand[];
  dirty: boolean;
}

let nextClientId = 1;

/**
 * One connection: its parser, its ordered output, and the state Redis keeps per client.
 * Works over any Duplex (a net.Socket in production).
 *
 * Output: replies accumulate in `out` and go out in one write per batch (a microtask after
 * the batch). A deferred reply holds back the replies after it (`queue`) until it is
 * resolved, so replies always keep request order without holding back other clients.
 */
export class Client implements Subscriber {
  readonly id = nextClientId++;
  readonly reply: ReplyWriter;
  readonly parser: RequestParser;
  readonly createdAt = Date.now();
  lastInteraction = Date.now();
  name = '';
  libName = '';
  libVer = '';
  dbIndex = 0;
  authenticated = true;
  user = 'default';
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shardChannels = new Set<string>();
  multi: MultiState | null = null;
  /** Keys this client WATCHes: "<db>\0<key>" entries, kept by the transactions module. */
  watching: Set<string> | null = null;
  /** Set when a WATCHed key changed: EXEC fails. */
  dirtyCas = false;
  /** Stops processing further requests until unblocked (blocking commands, CLIENT PAUSE). */
  blocked = false;
  /** What the client is blocked on, for CLIENT UNBLOCK and cleanup. */
  blockedOn: { cancel(reason: 'timeout' | 'error'): void } | null = null;
  /** CLIENT REPLY OFF|SKIP */
  /** CLIENT REPLY: 'skip' silences the command being run, 'skipNext' the next one (the dispatcher moves it on). */
  replyMode: 'on' | 'off' | 'skip' | 'skipNext' = 'on';
  noEvict = false;
  noTouch = false;
  monitor = false;
  lastCommand = 'NULL';
  closing = false;
  closed = false;

  private out = '';
  private queue: (DeferredReply | string)[] | null = null;
  private flushScheduled = false;
  private readPaused = false;
  private softLimitSince = 0;

  constructor(
    readonly server: Server,
    readonly socket: Duplex,
  ) {
    this.reply = new ReplyWriter(this.sink);
    this.parser = new RequestParser({ maxBulkLen: server.config.num('proto-max-bulk-len') });
    socket.on('data', this.onData);
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
    socket.on('drain', this.onDrain);
  }

  get resp(): 2 | 3 {
    return this.reply.resp;
  }
  set resp(v: 2 | 3) {
    this.reply.resp = v;
  }

  get db(): Database {
    return this.server.keyspace.dbs[this.dbIndex]!;
  }

  get remoteAddress(): string {
    const s = this.socket as Partial<Socket>;
    const host = s.remoteAddress ?? '127.0.0.1';
    return `${host.includes(':') && !host.startsWith('::ffff:') ? `[${host}]` : host.replace(/^::ffff:/, '')}:${s.remotePort ?? 0}`;
  }
  get localAddress(): string {
    const s = this.socket as Partial<Socket>;
    return `${(s.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '')}:${s.localPort ?? 0}`;
  }

  /** Every subscription, shard channels included: non-zero means subscribed mode (Redis's CLIENT_PUBSUB). */
  get subscriptionCount(): number {
    return this.channels.size + this.patterns.size + this.shardChannels.size;
  }

  /** Bytes of output not yet taken by the kernel (client-output-buffer-limit, CLIENT LIST omem). */
  get outputBytes(): number {
    return this.out.length + (this.socket.writableLength ?? 0);
  }

  private readonly onData = (chunk: Buffer): void => {
    this.lastInteraction = Date.now();
    this.parser.feed(chunk);
    if (this.parser.bufferedBytes > this.server.config.num('client-query-buffer-limit')) {
      // Redis closes such a client without a reply ("closing client that reached max query buffer length").
      this.server.log('warning', `closing client id=${this.id} addr=${this.remoteAddress}: query buffer over client-query-buffer-limit`);
      this.close();
      return;
    }
    this.processInput();
  };

  /** Runs every complete request received, unless blocked or closing. */
  processInput(): void {
    while (!this.blocked && !this.closing) {
      let argv: string[] | null;
      try {
        argv = this.parser.next();
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err;
        // Redis: reply, then close only this client once the reply is written.
        this.reply.error(Err.protocol(err.message));
        this.closeAfterReply();
        return;
      }
      if (argv === null) return;
      this.server.dispatcher.execute(this, argv);
    }
  }

  /** Resumes a client that was blocked, processing what it sent meanwhile. */
  unblock(): void {
    this.blocked = false;
    this.blockedOn = null;
    if (!this.closing) setImmediate(() => this.processInput());
  }

  private readonly sink = (text: string): void => {
    if (this.replyMode === 'off' || this.replyMode === 'skip') return;
    if (this.queue !== null) {
      const last = this.queue.length - 1;
      if (typeof this.queue[last] === 'string') this.queue[last] += text;
      else this.queue.push(text);
      return;
    }
    this.out += text;
    this.scheduleFlush();
  };

  /** Pub/sub messages and other out-of-band pushes. */
  push(text: string): void {
    if (this.closed) return;
    this.out += text;
    this.scheduleFlush();
  }

  /** A reply slot to be filled later; replies after it wait for it. */
  defer(): DeferredReply {
    const d = new DeferredReply(this.resp);
    if (this.queue === null) this.queue = [];
    this.queue.push(d);
    return d;
  }

  /** The deferred reply is complete: release it and every reply queued behind it. */
  resolve(d: DeferredReply): void {
    d.done = true;
    const q = this.queue;
    if (q === null) return;
    while (q.length > 0) {
      const head = q[0]!;
      if (typeof head === 'string') this.out += head;
      else if (head.done) this.out += head.text;
      else break;
      q.shift();
    }
    if (q.length === 0) this.queue = null;
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(this.flush);
  }

  readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.out === '' || this.closed) return;
    const text = this.out;
    this.out = '';
    const accepted = this.socket.write(text, 'latin1');
    if (!accepted && !this.readPaused) {
      // Backpressure: stop reading a client that does not read its replies.
      this.readPaused = true;
      this.socket.pause();
    }
    this.checkOutputLimits();
    if (this.closing && this.queue === null) this.socket.end();
  };

  private readonly onDrain = (): void => {
    if (this.readPaused) {
      this.readPaused = false;
      this.softLimitSince = 0;
      if (!this.closing) this.socket.resume();
    }
  };

  /** Redis's checkClientOutputBufferLimits for the client's class. */
  private checkOutputLimits(): void {
    const pending = this.socket.writableLength ?? 0;
    if (pending === 0) return;
    const limits = this.server.config.get<import('../config.js').OutputBufferLimits>('client-output-buffer-limit');
    const limit = this.subscriptionCount > 0 && this.resp === 2 ? limits.pubsub : limits.normal;
    let over = limit.hard > 0 && pending >= limit.hard;
    if (!over && limit.soft > 0 && pending >= limit.soft) {
      const now = Date.now();
      if (this.softLimitSince === 0) this.softLimitSince = now;
      else if (now - this.softLimitSince >= limit.softSeconds * 1000) over = true;
    } else if (!over) {
      this.softLimitSince = 0;
    }
    if (over) {
      this.server.log('warning', `client id=${this.id} addr=${this.remoteAddress} closed for overcoming of output buffer limits.`);
      this.close();
    }
  }

  /** Closes after the replies written so far are sent (QUIT, protocol errors). */
  closeAfterReply(): void {
    this.closing = true;
    this.socket.pause();
    this.scheduleFlush();
    if (this.out === '') queueMicrotask(() => this.socket.end());
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closing = true;
    this.out = '';
    this.queue = null;
    this.socket.destroy();
    this.server.removeClient(this);
  }
}
