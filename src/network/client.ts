import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { NameInterner, ProtocolError, RequestParser, type ParserLimits } from '../protocol/requestParser.js';
import { ReplyWriter } from '../protocol/replyWriter.js';
import { Err } from '../protocol/errors.js';
import type { Database } from '../keyspace/database.js';
import type { Subscriber } from '../pubsub/broker.js';
import type { CommandSpec } from '../dispatch/commandSpec.js';
import type { CommandTable } from '../dispatch/commandTable.js';
import type { Server } from '../server.js';
import type { Config, OutputBufferLimit, OutputBufferLimits } from '../config.js';
import { adoptForFastRead } from './fastRead.js';

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

/** Epoch ms of performance.now()'s zero: lastInteraction from the monotonic reading taken anyway. */
const TIME_ORIGIN = performance.timeOrigin;

/**
 * Output accumulated within one batch beyond which it is written at once rather than at the
 * end of the batch: a pipeline of GETs of large values must not build a huge string first.
 */
const FLUSH_THRESHOLD = 64 * 1024;

/**
 * A read this large means the client has more waiting: reading it stops until the next
 * event-loop turn, so one client streaming a pipeline (or garbage) gets one read per turn,
 * like the others, instead of libuv's up to 32 reads in a row (Redis reads 16 KB per
 * client per event). Keeps other clients' latency bounded under abuse.
 */
const YIELD_READ_BYTES = 32 * 1024;

/**
 * The settings every connection reads on its hot path, kept as plain fields (one per
 * Config, refreshed when CONFIG SET changes them) so a read costs a property load instead
 * of a config-table lookup. Also the parser's limits object, shared by all clients.
 */
class NetworkSettings implements ParserLimits {
  maxBulkLen = 0;
  queryBufferLimit = 0;
  outputLimits!: OutputBufferLimits;

  constructor(config: Config) {
    this.read(config);
    config.onChange((name) => {
      if (name === 'proto-max-bulk-len' || name === 'client-query-buffer-limit' || name === 'client-output-buffer-limit') {
        this.read(config);
      }
    });
  }

  private read(config: Config): void {
    this.maxBulkLen = config.num('proto-max-bulk-len');
    this.queryBufferLimit = config.num('client-query-buffer-limit');
    this.outputLimits = config.get<OutputBufferLimits>('client-output-buffer-limit');
  }
}

/** The command names of a table, lower and upper case, as clients send them (see NameInterner). */
const namesByTable = new WeakMap<CommandTable, NameInterner>();
function commandNames(table: CommandTable): NameInterner {
  let names = namesByTable.get(table);
  if (names === undefined) {
    namesByTable.set(table, (names = new NameInterner()));
    for (const name of table.names()) names.add(name);
  }
  return names;
}

const settingsByConfig = new WeakMap<Config, NetworkSettings>();
function networkSettings(config: Config): NetworkSettings {
  let s = settingsByConfig.get(config);
  if (s === undefined) settingsByConfig.set(config, (s = new NetworkSettings(config)));
  return s;
}

/**
 * One connection: its parser, its ordered output, and the state Redis keeps per client.
 * Works over any Duplex (a net.Socket in production).
 *
 * Input: each chunk is parsed and every complete request in it runs at once (Redis's
 * processInputBuffer); processing stops while the client is blocked, closing, or its
 * output is backed up, and the rest waits in the parser.
 *
 * Output: replies accumulate in `out` and go out in one write per batch. A deferred reply
 * holds back the replies after it (`queue`) until it is resolved, so replies always keep
 * request order without holding back other clients.
 *
 * Backpressure: when the socket does not take a write (the peer does not read), a client
 * whose class has no client-output-buffer-limit (normal clients, by default) stops being
 * read and processed until 'drain', so its output held in memory stays around one batch
 * plus the socket's high-water mark, whatever it has pipelined; Redis would buffer without
 * bound there. A class with a limit behaves as in Redis: served on, and disconnected once
 * over the limit (the default for pub/sub: a subscriber that falls behind).
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
  /** Redis: a client starts authenticated when the default user needs no password. */
  authenticated: boolean;
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
  /** CLIENT REPLY: 'skip' silences the command being run, 'skipNext' the next one (the dispatcher moves it on). */
  replyMode: 'on' | 'off' | 'skip' | 'skipNext' = 'on';
  noEvict = false;
  noTouch = false;
  monitor = false;
  lastCommand = 'NULL';
  /** No more requests are processed; the socket closes once the replies so far are out. */
  closing = false;
  closed = false;

  private readonly settings: NetworkSettings;
  private out = '';
  private queue: (DeferredReply | string)[] | null = null;
  private flushScheduled = false;
  /** Inside processInput: replies are written at its end, no flush needs scheduling. */
  private inBatch = false;
  /** The socket did not take our last write: not reading or processing until 'drain'. */
  private throttled = false;
  private ending = false;
  /** Unix time (s) when the output first went over the soft limit (Redis's obuf_soft_limit_reached_time). */
  private softLimitSince = 0;

  /** The connection: a net.Socket in production (see adoptForFastRead), any Duplex in tests. */
  readonly socket: Duplex;

  constructor(
    readonly server: Server,
    socket: Duplex,
  ) {
    this.settings = networkSettings(server.config);
    this.authenticated = server.config.str('requirepass') === '';
    this.reply = new ReplyWriter(this.sink);
    this.parser = new RequestParser(this.settings, commandNames(server.table));
    const fast = adoptForFastRead(socket, this.onRead);
    if (fast !== null) {
      socket = fast;
    } else {
      socket.on('data', this.onData);
    }
    this.socket = socket;
    socket.on('error', this.onSocketGone);
    socket.on('close', this.onSocketGone);
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
    let queued = 0;
    if (this.queue !== null) for (const q of this.queue) queued += typeof q === 'string' ? q.length : q.text.length;
    return this.out.length + queued + (this.socket.writableLength ?? 0);
  }

  /** A read into the shared read buffer: parse it now, then copy out what is left. */
  private readonly onRead = (chunk: Buffer): void => {
    this.received(chunk, true);
    this.parser.release();
  };

  /** A 'data' event: the chunk is ours to keep. */
  private readonly onData = (chunk: Buffer): void => {
    this.received(chunk, false);
  };

  private received(chunk: Buffer, borrowed: boolean): void {
    if (this.closing) return; // Redis drops what a closing client still sends
    if (chunk.length >= YIELD_READ_BYTES && !this.yielding) {
      this.yielding = true;
      this.socket.pause();
      setImmediate(this.endYield);
    }
    const now = performance.now();
    this.lastInteraction = TIME_ORIGIN + now;
    const stats = this.server.stats;
    stats.netInputBytes += chunk.length;
    stats.readsProcessed++;
    const parser = this.parser;
    parser.feed(chunk, borrowed);
    if (parser.bufferedBytes > this.settings.queryBufferLimit) {
      // Redis closes such a client without a reply ("closing client that reached max query buffer length").
      this.server.log('warning', `Closing client that reached max query buffer length: id=${this.id} addr=${this.remoteAddress}`);
      this.close();
      return;
    }
    this.processInput(now);
  }

  /**
   * Runs every complete request received, unless blocked, closing or throttled. `now`: a
   * performance.now() reading taken just before, which the first command can start from.
   */
  processInput(now = -1): void {
    if (this.inBatch) return; // re-entered from a command of this very client: the loop below goes on
    this.inBatch = true;
    const dispatcher = this.server.dispatcher;
    dispatcher.clockAt = now;
    try {
      const parser = this.parser;
      const scheduler = this.server.scheduler;
      while (!this.blocked && !this.closing && !this.throttled) {
        let argv: string[] | null;
        parser.authRequired = !this.authenticated;
        try {
          argv = parser.next();
        } catch (err) {
          if (!(err instanceof ProtocolError)) throw err;
          // Redis: reply, then close only this client once the reply is written.
          this.reply.error(Err.protocol(err.message));
          this.closeAfterReply();
          break;
        }
        if (argv === null) break;
        dispatcher.execute(this, argv);
        // Deadlines due meanwhile fire between commands, not after the whole batch.
        scheduler.poll();
        // A batch of large replies is written as it grows; if the socket is backed up the
        // loop stops (throttled) and resumes on 'drain'.
        if (this.out.length >= FLUSH_THRESHOLD) {
          this.writeOut();
          dispatcher.clockAt = -1; // the write took time of its own
        }
      }
    } catch (err) {
      // A bug, not the client's fault: it must not take the server down. Drop this client.
      this.server.log('warning', `internal error serving client id=${this.id}: ${(err as Error)?.stack ?? err}`);
      this.close();
    } finally {
      this.inBatch = false;
      dispatcher.clockAt = -1;
    }
    this.flush();
  }

  /** Resumes a client that was blocked, processing what it sent meanwhile. */
  unblock(): void {
    this.blocked = false;
    this.blockedOn = null;
    if (!this.closing) setImmediate(() => this.processInput());
  }

  private readonly sink = (text: string): void => {
    if (this.replyMode === 'off' || this.replyMode === 'skip') return;
    if (this.closed) return;
    const q = this.queue;
    if (q !== null) {
      const last = q.length - 1;
      if (typeof q[last] === 'string') q[last] += text;
      else q.push(text);
      return;
    }
    this.out += text;
    if (!this.inBatch) this.scheduleFlush();
  };

  /** Pub/sub messages and other out-of-band pushes: never wait behind a deferred reply. */
  push(text: string): void {
    if (this.closed) return;
    this.out += text;
    if (!this.inBatch) this.scheduleFlush();
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
    if (q === null || this.closed) return;
    let i = 0;
    for (; i < q.length; i++) {
      const head = q[i]!;
      if (typeof head === 'string') this.out += head;
      else if (head.done) this.out += head.text;
      else break;
    }
    if (i === q.length) this.queue = null;
    else q.splice(0, i);
    if (!this.inBatch) this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(this.flush);
  }

  /** Writes what has accumulated; ends the connection once a closing client's replies are all out. */
  readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.closed) return;
    if (this.out !== '') this.writeOut();
    if (this.closing && this.queue === null && !this.ending) this.endSocket();
  };

  private writeOut(): void {
    const text = this.out;
    this.out = '';
    if (this.closed) return;
    // Redis writes the AOF before replies: an acknowledged write survives a crash of the process.
    this.server.persistence.beforeReply(this.socket);
    // One write of a latin1 string: Node copies it straight into the kernel write when it
    // fits (StreamBase::WriteString), with no intermediate Buffer on the JS side.
    const stats = this.server.stats;
    stats.netOutputBytes += text.length;
    stats.writesProcessed++;
    //
    // A string rather than bytes written into a reusable Buffer: replies are mostly small
    // pieces, and V8 concatenates them as a rope that WriteString copies out once, while a
    // Buffer needs one latin1Write call per piece (measured 1.2x-2.5x slower per reply) and
    // cannot be reused while a write is pending.
    const accepted = this.socket.write(text, 'latin1');
    const limit = this.outputLimit();
    if (limit.hard === 0 && limit.soft === 0) {
      // No limit for this class: hold the client back rather than buffer (see the class comment).
      if (!accepted && !this.throttled) {
        this.throttled = true;
        this.socket.pause();
      }
      return;
    }
    this.checkOutputLimits(limit);
  }

  /** The client-output-buffer-limit of this client's class (Redis's getClientType). */
  private outputLimit(): OutputBufferLimit {
    const limits = this.settings.outputLimits;
    return this.subscriptionCount > 0 ? limits.pubsub : limits.normal;
  }

  private readonly onDrain = (): void => {
    if (!this.throttled) return;
    this.throttled = false;
    if (this.closing) return;
    if (!this.yielding) this.socket.resume();
    this.processInput();
  };

  /** Reading paused after a large read (YIELD_READ_BYTES) until this turn's other clients had theirs. */
  private yielding = false;
  private readonly endYield = (): void => {
    this.yielding = false;
    if (!this.throttled && !this.closing && !this.closed) this.socket.resume();
  };

  /** Redis's checkClientOutputBufferLimits for the client's class (pubsub or normal). */
  private checkOutputLimits(limit: OutputBufferLimit): void {
    const used = this.outputBytes;
    let over = limit.hard > 0 && used >= limit.hard;
    if (!over && limit.soft > 0 && used >= limit.soft) {
      // Redis: over the soft limit for more than soft-seconds (whole seconds, as unixtime counts them)
      const now = Math.floor(Date.now() / 1000);
      if (this.softLimitSince === 0) this.softLimitSince = now;
      else if (now - this.softLimitSince > limit.softSeconds) over = true;
    } else if (!over) {
      this.softLimitSince = 0;
    }
    if (over) {
      this.server.log('warning', `Client id=${this.id} addr=${this.remoteAddress} closed for overcoming of output buffer limits.`);
      this.close();
    }
  }

  /** Closes after the replies written so far are sent (QUIT, protocol errors). */
  closeAfterReply(): void {
    if (this.closing) return;
    this.closing = true;
    this.parser.reset();
    if (!this.inBatch) this.scheduleFlush();
  }

  /**
   * Half-closes once everything is handed to the kernel, then releases the socket. Input
   * keeps being read (and dropped) meanwhile, so the peer's own close is noticed.
   */
  private endSocket(): void {
    this.ending = true;
    const socket = this.socket;
    if (this.throttled) {
      // Reading was paused for backpressure: resume it so the peer's close is noticed.
      this.throttled = false;
      socket.resume();
    }
    socket.end();
    if (socket.writableFinished) socket.destroy();
    else socket.once('finish', () => socket.destroy());
  }

  private readonly onSocketGone = (): void => {
    this.close();
  };

  /** Closes now, dropping pending output (a disconnect, an output limit, CLIENT KILL). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closing = true;
    this.out = '';
    this.queue = null;
    this.parser.reset();
    this.socket.destroy();
    this.server.removeClient(this);
  }
}
