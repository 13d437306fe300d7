import net from 'node:net';
import { appendFileSync } from 'node:fs';
import { Config } from './config.js';
import { PausableClock, systemClock, type Clock } from './expiry/clock.js';
import { DeadlineScheduler, nodeTimers, type TimerHost } from './expiry/scheduler.js';
import { Keyspace } from './keyspace/keyspace.js';
import { Notifier, parseNotifyFlags } from './notify/notifier.js';
import { PubSubBroker } from './pubsub/broker.js';
import { CommandTable } from './dispatch/commandTable.js';
import type { CommandSpec } from './dispatch/commandSpec.js';
import { Dispatcher } from './dispatch/dispatcher.js';
import { Client } from './network/client.js';
import { SaleRuntime } from './sale/runtime.js';
import { DurabilityBarrier } from './persistence/durability.js';
import { Acl } from './acl/acl.js';
import { ClientPause } from './network/pause.js';
import { clientInfoLine } from './network/clientInfo.js';
import { Observability } from './observability/observability.js';
import { registerInfoSections } from './observability/info.js';
import { createTlsListener } from './network/tls.js';
import { HttpSidePort } from './http/httpServer.js';
import { MemoryManager } from './memory/manager.js';
import { Err } from './protocol/errors.js';
import { ConfigError } from './config.js';
import { Persistence } from './persistence/persistence.js';
import type { FileSystem } from './persistence/fileSystem.js';

export interface ServerOptions {
  config?: Config;
  clock?: Clock;
  timers?: TimerHost;
  /** Silence the log (tests). */
  quiet?: boolean;
  /** The files persistence uses (tests pass a simulated disk). */
  fileSystem?: FileSystem;
}

const LOG_LEVELS = ['debug', 'verbose', 'notice', 'warning'];
const LOG_MARKS: Record<string, string> = { debug: '.', verbose: '-', notice: '*', warning: '#' };

export interface ServerStats {
  startedAt: number;
  totalConnections: number;
  rejectedConnections: number;
  netInputBytes: number;
  /** Bytes handed to sockets (INFO total_net_output_bytes). */
  netOutputBytes: number;
  /** Socket reads and writes (INFO total_reads_processed, total_writes_processed). */
  readsProcessed: number;
  writesProcessed: number;
  /** Key modifications since the last save (Redis's server.dirty, INFO rdb_changes_since_last_save). */
  dirty: number;
}

/**
 * The composition root: one keyspace, one deadline scheduler, one notifier and broker, one
 * dispatcher over the command table it is handed, and the connections. `src/` never imports
 * a command; main.ts passes the table in.
 */
export class Server {
  readonly config: Config;
  /** Stands still while the log loads (nothing expires mid-load). */
  readonly clock: PausableClock;
  readonly scheduler: DeadlineScheduler;
  readonly broker = new PubSubBroker();
  readonly notifier: Notifier;
  readonly keyspace: Keyspace;
  /** Sales' clock, scheduler and events (src/sale). */
  readonly sales: SaleRuntime;
  /** Replies that must wait for their write to be on disk wait here (sale transitions). */
  readonly durability = new DurabilityBarrier();
  readonly table: CommandTable;
  readonly dispatcher: Dispatcher;
  /** ACL users and the permission check (src/acl). */
  readonly acl: Acl;
  /** CLIENT PAUSE state and the commands it holds. */
  readonly pause: ClientPause;
  /** Slow log, latency monitor, per-command latency histograms (SLOWLOG, LATENCY, /metrics). */
  readonly observability: Observability;
  /** The append-only log: propagation, group-commit fsync, rewrite, load (src/persistence). */
  readonly persistence: Persistence;
  /** maxmemory: used_memory accounting, eviction, the OOM gate (src/memory). */
  readonly memory: MemoryManager;
  readonly clients = new Map<number, Client>();
  readonly monitors = new Set<Client>();
  readonly stats: ServerStats = { startedAt: Date.now(), totalConnections: 0, rejectedConnections: 0, netInputBytes: 0, netOutputBytes: 0, readsProcessed: 0, writesProcessed: 0, dirty: 0 };
  /** Extra INFO sections contributed by subsystems (persistence, sale, ...). */
  readonly infoSections = new Map<string, () => [string, string | number][]>();
  lastSave = Math.floor(Date.now() / 1000);
  private listeners: net.Server[] = [];
  private cron: NodeJS.Timeout | null = null;
  private readonly quiet: boolean;
  /** Hooks run on shutdown (flush the log, ...). */
  readonly shutdownHooks: (() => Promise<void> | void)[] = [];
  /** Set by main.ts: ends the process once SHUTDOWN has closed the server (unset in tests). */
  exitProcess: (() => void) | null = null;

  constructor(commands: Iterable<CommandSpec>, options: ServerOptions = {}) {
    this.config = options.config ?? new Config();
    this.clock = new PausableClock(options.clock ?? systemClock);
    this.quiet = options.quiet ?? false;
    this.scheduler = new DeadlineScheduler(this.clock, options.timers ?? nodeTimers);
    this.notifier = new Notifier(this.broker);
    // Expiries fired between another client's commands publish at once, not after its pipeline.
    this.scheduler.pollBatch = (fire) => this.broker.flushAfter(fire);
    this.notifier.flags = parseNotifyFlags(this.config.str('notify-keyspace-events')) ?? 0;
    this.keyspace = new Keyspace(this.config.num('databases'), this.clock, this.scheduler, this.notifier);
    this.sales = new SaleRuntime(this.clock, this.scheduler, this.keyspace, this.broker, this.config);
    this.table = new CommandTable(commands);
    this.dispatcher = new Dispatcher(this.table, (l, m) => this.log(l, m));
    this.applyRenames();
    this.acl = new Acl(this.table, this.config);
    this.acl.describeClient = (c) => clientInfoLine(c);
    this.acl.killClients = (match, current) => {
      for (const c of [...this.clients.values()]) {
        if (!match(c)) continue;
        // Redis: the caller is closed after its reply (CLIENT_CLOSE_AFTER_COMMAND)
        if (c === current) c.closeAfterReply();
        else c.close();
      }
    };
    this.loadUsers();
    this.pause = new ClientPause((c, argv) => this.dispatcher.execute(c, argv));
    this.observability = new Observability(this.config, (spec) => this.table.fullName(spec));
    this.dispatcher.observers.push(this.observability.observe);
    const observability = this.observability;
    this.scheduler.onBatchTime = (ms) => observability.latencyIfOver('expire-cycle', ms);
    registerInfoSections(this);
    this.persistence = new Persistence(this, options.fileSystem);
    this.dispatcher.propagation = this.persistence.propagator;
    this.infoSections.set('persistence', () => this.persistence.infoFields());
    this.shutdownHooks.push(() => this.persistence.stop());
    this.memory = new MemoryManager(this);
    this.keyspace.onModifiedKey(() => this.stats.dirty++);
    this.config.onChange((name, value) => {
      if (name === 'notify-keyspace-events') this.notifier.flags = parseNotifyFlags(value as string) ?? 0;
      if (name === 'proto-max-bulk-len') for (const c of this.clients.values()) c.parser.limits.maxBulkLen = value as number;
    });
  }

  /** `rename-command <name> <new-name>` directives ('' disables the command), as in redis.conf. */
  private applyRenames(): void {
    for (const [name, args] of this.config.directives) {
      if (name !== 'rename-command') continue;
      if (args.length !== 2) throw new ConfigError('wrong number of arguments for rename-command');
      const [from, to] = args as [string, string];
      const spec = this.table.lookup(from);
      if (spec === undefined) throw new ConfigError('No such command in rename-command');
      if (to !== '' && this.table.lookup(to) !== undefined) throw new ConfigError('Target command name already exists');
      this.table.rename(spec, to);
    }
  }

  /** `user` directives or the aclfile (Redis's ACLLoadUsersAtStartup: not both). */
  private loadUsers(): void {
    const defs = this.config.directives.filter(([n]) => n === 'user').map(([, args]) => args);
    const file = this.config.str('aclfile');
    if (file !== '' && defs.length > 0) {
      throw new ConfigError(
        'Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or declare users directly in your redis.conf, but not both.',
      );
    }
    try {
      this.acl.loadConfiguredUsers(defs);
    } catch (err) {
      throw new ConfigError((err as Error).message);
    }
    if (file !== '') {
      const errors = this.acl.load(file, null);
      if (errors !== null) throw new ConfigError(`Aborting Redis startup because of ACL errors: ${errors}`);
    }
  }

  log(level: string, message: string): void {
    if (this.quiet) return;
    const configured = this.config.str('loglevel');
    if (configured === 'nothing' || LOG_LEVELS.indexOf(level) < LOG_LEVELS.indexOf(configured)) return;
    const d = new Date();
    const stamp = d.toUTCString().slice(5, 25) + `.${String(d.getUTCMilliseconds()).padStart(3, '0')}`;
    const line = `${process.pid}:M ${stamp} ${LOG_MARKS[level] ?? '*'} ${message}\n`;
    const file = this.config.str('logfile');
    if (file) appendFileSync(file, line);
    else process.stdout.write(line);
  }

  /** Accepts a connection (any Duplex works: tests may pass one end of a pair). */
  accept(socket: net.Socket): Client | null {
    this.stats.totalConnections++;
    if (this.clients.size >= this.config.num('maxclients')) {
      this.stats.rejectedConnections++;
      refuse(socket, Err.maxClients);
      return null;
    }
    // Redis's protected mode: no password for the default user, so only loopback peers get in
    if (this.config.bool('protected-mode') && this.acl.defaultUser.nopass && !isLoopback(socket.remoteAddress)) {
      this.stats.rejectedConnections++;
      refuse(socket, Err.protectedMode);
      return null;
    }
    socket.setNoDelay(true);
    const keepalive = this.config.num('tcp-keepalive');
    if (keepalive > 0 && typeof socket.setKeepAlive === 'function') socket.setKeepAlive(true, keepalive * 1000);
    const client = new Client(this, socket);
    // Redis: a client starts authenticated only when the default user needs no password
    client.authenticated = this.acl.startsAuthenticated();
    client.reply.onError = this.dispatcher.countError;
    this.clients.set(client.id, client);
    return client;
  }

  removeClient(client: Client): void {
    this.clients.delete(client.id);
    this.monitors.delete(client);
    this.broker.removeSubscriber(client);
    client.blockedOn?.cancel('error');
    this.pause.forget(client);
    for (const hook of this.clientCloseHooks) hook(client);
  }
  /** Subsystems that keep per-client state (WATCH, blocking) clean up here. */
  readonly clientCloseHooks: ((c: Client) => void)[] = [];
  /** RESET: subsystems drop per-connection state (WATCHed keys, ...) as on close. */
  readonly clientResetHooks: ((c: Client) => void)[] = [];

  /**
   * A listener's error after it is up (accept failing: EMFILE, ENFILE, ...): logged, and the
   * server goes on; Node would otherwise throw it as an unhandled 'error' event.
   */
  private readonly onListenerError = (err: Error): void => {
    this.log('warning', `Accepting a connection failed: ${err.message}`);
  };

  /** Listens on every `bind` address at `port`; resolves with the port in use. */
  async listen(): Promise<number> {
    let port = this.config.num('port');
    const addresses = this.config.str('bind').split(/\s+/).filter(Boolean);
    for (const spec of addresses) {
      const optional = spec.startsWith('-');
      const host = optional ? spec.slice(1) : spec;
      const server = net.createServer((s) => this.accept(s));
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ port, host, backlog: this.config.num('tcp-backlog') }, () => {
            server.off('error', reject);
            resolve();
          });
        });
      } catch (err) {
        if (optional) continue;
        await this.close();
        throw err;
      }
      port = (server.address() as net.AddressInfo).port;
      server.on('error', this.onListenerError);
      this.listeners.push(server);
    }
    if (this.listeners.length === 0) throw new Error('could not bind any address');
    // TLS on its own port, same addresses, same accept path (src/network/tls.ts)
    const tlsPort = this.config.num('tls-port');
    if (tlsPort > 0) {
      try {
        for (const spec of addresses) {
          const optional = spec.startsWith('-');
          const tlsServer = createTlsListener(this.config, (s) => this.accept(s), (l, m) => this.log(l, m));
          try {
            await listenOn(tlsServer, tlsPort, optional ? spec.slice(1) : spec, this.config.num('tcp-backlog'));
          } catch (err) {
            if (optional) continue;
            throw err;
          }
          this.tlsListener ??= tlsServer;
          tlsServer.on('error', this.onListenerError);
          this.listeners.push(tlsServer);
        }
      } catch (err) {
        await this.close();
        throw err;
      }
      this.log('notice', `Ready to accept connections tls on ${addresses.join(' ')} port ${tlsPort}`);
    }
    // The HTTP side port comes up before loading, so /health can say 503 meanwhile
    const httpPort = this.config.num('http-port');
    if (httpPort > 0) {
      const side = new HttpSidePort(this);
      side.prepare();
      try {
        await side.listen(httpPort, this.config.str('http-bind'));
      } catch (err) {
        await this.close();
        throw err;
      }
      this.http = side;
      this.log('notice', `HTTP side port on ${this.config.str('http-bind')} port ${side.port}`);
    }
    this.startCron();
    try {
      // The log is replayed while clients already get -LOADING, as in Redis.
      await this.persistence.start();
    } catch (err) {
      await this.close();
      throw err;
    }
    this.log('notice', `Ready to accept connections tcp on ${addresses.join(' ')} port ${port}`);
    return port;
  }

  /** The TLS port in use (tls-port), or 0. */
  get tlsPort(): number {
    return (this.tlsListener?.address() as net.AddressInfo | undefined)?.port ?? 0;
  }
  private tlsListener: net.Server | null = null;
  /** The HTTP side port (http-port), when on. */
  http: HttpSidePort | null = null;
  /** Set when close() begins: /health answers 503 from then on. */
  shuttingDown = false;

  get port(): number {
    return (this.listeners[0]?.address() as net.AddressInfo | undefined)?.port ?? 0;
  }

  private startCron(): void {
    const period = Math.max(2, Math.floor(1000 / this.config.num('hz')));
    this.cron = setInterval(() => this.serverCron(), period);
    this.cron.unref();
  }

  /** Redis's serverCron: the coarse clock, idle client timeouts. */
  private serverCron(): void {
    if (!this.clock.paused) this.keyspace.tick();
    this.memory.cron();
    const timeout = this.config.num('timeout');
    if (timeout > 0) {
      const cutoff = Date.now() - timeout * 1000;
      for (const c of this.clients.values()) {
        if (c.lastInteraction < cutoff && c.subscriptionCount === 0 && !c.blocked && !c.monitor) c.close();
      }
    }
  }

  /**
   * Shutdown (SHUTDOWN, SIGTERM): stop accepting, run the shutdown hooks (persistence
   * flushes its log), let every client's replies so far go out (bounded wait), then close.
   */
  async close(): Promise<void> {
    this.shuttingDown = true;
    if (this.cron) clearInterval(this.cron);
    this.cron = null;
    const listening = Promise.all(this.listeners.map((s) => new Promise<void>((r) => s.close(() => r()))));
    this.listeners = [];
    this.scheduler.stop();
    for (const hook of this.shutdownHooks) await hook();
    // A client waiting in a blocking command has no reply coming: it is closed at once
    for (const c of [...this.clients.values()]) {
      if (c.blocked) c.close();
      else c.closeAfterReply();
    }
    for (let waited = 0; this.clients.size > 0 && waited < 1000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    for (const c of [...this.clients.values()]) c.close();
    await listening;
    await this.http?.close();
    this.http = null;
  }
}

function listenOn(server: net.Server, port: number, host: string, backlog: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Writes one error line and closes, as Redis does for a connection it will not serve
 * (maxclients, protected mode): the socket is destroyed once the line is out, so a peer
 * that keeps it open (or keeps sending) cannot hold the server's close.
 */
function refuse(socket: net.Socket, error: string): void {
  socket.on('error', () => {});
  socket.end(`-${error}\r\n`, () => socket.destroy());
  socket.resume();
}

/** Redis's connIsLocal: a loopback peer (127.0.0.0/8, ::1, or IPv4-mapped loopback); no address means a local pair. */
function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return true;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a.startsWith('127.') || a === '::1';
}
