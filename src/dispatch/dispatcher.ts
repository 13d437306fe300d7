import { performance } from 'node:perf_hooks';
import type { Client } from '../network/client.js';
import { Err } from '../protocol/errors.js';
import { CommandError } from './argCursor.js';
import type { CommandSpec } from './commandSpec.js';
import type { CommandTable } from './commandTable.js';
import { execAbortReply } from '../transactions/index.js';
import type { Propagator } from '../persistence/propagation.js';

export interface CommandStats {
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
}

/** Commands a RESP2 client in subscribed mode may run (Redis's processCommand). */
const SUBSCRIBED_MODE_ALLOWED = new Set(['subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'ping', 'quit', 'reset']);
/** Commands run immediately inside MULTI instead of being queued. */
const MULTI_IMMEDIATE = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/** Hooks the server adds to every call (MONITOR feed, slow log, ...). */
export type CallObserver = (client: Client, spec: CommandSpec, argv: string[], micros: number) => void;

/**
 * Lookup, arity, flag gates, then the handler. Errors thrown as CommandError while parsing
 * arguments become the reply; anything else is a bug, logged and answered with an ERR so
 * that one bad command never takes the server down.
 */
export class Dispatcher {
  readonly stats = new Map<string, CommandStats>();
  totalCommands = 0;
  /** Set while loading the dataset: only commands flagged 'loading' run. */
  loading = false;
  /** Persistence: brackets every call to log what it wrote (set once the log exists). */
  propagation: Propagator | null = null;
  /** Set while the log cannot be written: write commands get this error (MISCONF). */
  writesDenied: string | null = null;
  observers: CallObserver[] = [];
  /**
   * A clock reading (performance.now()) that is still current: taken by a client's input
   * loop when its data arrived, then left by each call for the next one of the same batch,
   * so a pipelined command costs one clock read, not two (reads are a measurable part of a
   * command here). The input loop clears it (-1) when the batch ends or it writes, so a call
   * from anywhere else reads the clock.
   */
  clockAt = -1;
  /** Error replies in total and by their code, the first word (INFO stats and errorstats). */
  errorReplies = 0;
  readonly errorStats = new Map<string, number>();

  constructor(
    readonly table: CommandTable,
    private readonly log: (level: string, msg: string) => void,
  ) {}

  /** Redis's afterErrorReply: counts an error reply by its code (installed as ReplyWriter.onError). */
  readonly countError = (msg: string): void => {
    this.errorReplies++;
    const space = msg.indexOf(' ');
    const code = space === -1 ? msg : msg.slice(0, space);
    this.errorStats.set(code, (this.errorStats.get(code) ?? 0) + 1);
  };

  private statsFor(name: string): CommandStats {
    let s = this.stats.get(name);
    if (s === undefined) this.stats.set(name, (s = { calls: 0, usec: 0, rejectedCalls: 0, failedCalls: 0 }));
    return s;
  }

  execute(client: Client, argv: string[]): void {
    if (client.replyMode === 'skipNext') {
      this.executeSkipped(client, argv);
      return;
    }
    let spec = this.table.lookup(argv[0]!);
    if (spec === undefined) {
      this.reject(client, Err.unknownCommand(argv[0]!, argv.slice(1)));
      return;
    }
    if (spec.subcommands !== undefined && argv.length >= 2) {
      const sub = this.table.subcommand(spec, argv[1]!);
      if (sub === undefined) {
        // Redis answers HELP-less containers with the same text
        this.reject(client, Err.unknownSubcommand(argv[1]!, spec.name), spec);
        return;
      }
      spec = sub;
    }
    const arity = spec.arity;
    if ((arity > 0 && argv.length !== arity) || argv.length < -arity) {
      this.reject(client, Err.wrongArity(this.table.fullName(spec)), spec);
      return;
    }
    // Redis: checked after arity, so unknown commands and arity errors come first
    const server = client.server;
    if (!client.authenticated && !spec.flags.includes('no_auth') && server.acl.authRequired(client)) {
      this.reject(client, Err.noAuth, spec);
      return;
    }
    // Redis: ACL after authentication (src/acl); skipped while no user is restricted
    if (!server.acl.open) {
      const denied = server.acl.checkCommand(client, spec, argv);
      if (denied !== null) {
        this.reject(client, denied, spec);
        return;
      }
    }
    // Redis's processCommand: with maxmemory set, evict first, then refuse what may grow memory (src/memory)
    if (server.memory.maxmemory > 0) {
      const oom = server.memory.beforeCommand(client, spec);
      if (oom !== null) {
        this.reject(client, oom, spec);
        return;
      }
    }
    if (client.resp === 2 && client.subscriptionCount > 0 && !SUBSCRIBED_MODE_ALLOWED.has(spec.name)) {
      this.reject(client, Err.pubsubContext(this.table.fullName(spec)), spec);
      return;
    }
    if (this.loading && !spec.flags.includes('loading')) {
      this.reject(client, Err.loading, spec);
      return;
    }
    // Redis: writes (and PING) are refused while the log cannot be written; reads go on
    if (this.writesDenied !== null && deniedOnDiskError(client, spec)) {
      this.reject(client, this.writesDenied, spec);
      return;
    }
    // CLIENT PAUSE: the command waits, with the rest of this client's input (Redis's blockPostponeClient)
    if (server.pause.mode !== null && server.pause.holds(client, spec)) {
      server.pause.postpone(client, argv);
      return;
    }
    if (client.multi !== null && !MULTI_IMMEDIATE.has(spec.name)) {
      if (spec.flags.includes('no_multi')) {
        this.reject(client, `ERR Command not allowed inside a transaction`, spec);
        return;
      }
      client.multi.queue.push({ spec, argv });
      client.reply.raw('+QUEUED\r\n');
      return;
    }
    this.call(client, spec, argv);
  }

  /** Redis's resetClient: after CLIENT REPLY SKIP, the whole reply of the next command is dropped. */
  private executeSkipped(client: Client, argv: string[]): void {
    client.replyMode = 'skip';
    this.execute(client, argv);
    if (client.replyMode === 'skip') client.replyMode = 'on';
  }

  /** Runs a resolved command (also used by EXEC for each queued command). */
  call(client: Client, spec: CommandSpec, argv: string[]): void {
    const start = this.clockAt >= 0 ? this.clockAt : performance.now();
    this.clockAt = -1;
    const errorsBefore = this.errorReplies;
    let failed = false;
    const propagation = this.propagation;
    const mark = propagation !== null ? propagation.beforeCall(client, spec, argv) : 0;
    try {
      spec.handler!(client, argv);
    } catch (err) {
      failed = true;
      if (err instanceof CommandError) {
        client.reply.error(err.reply);
      } else {
        this.log('warning', `internal error in '${argv[0]}': ${(err as Error)?.stack ?? err}`);
        client.reply.error(`ERR internal error while running '${this.table.fullName(spec)}'`);
      }
    }
    if (propagation !== null) propagation.afterCall(client, spec, argv, mark);
    const end = performance.now();
    this.clockAt = end;
    const micros = (end - start) * 1000;
    const name = this.table.fullName(spec);
    const s = this.statsFor(name);
    s.calls++;
    s.usec += micros;
    // Redis: a command that replied with an error counts as failed
    if (failed || this.errorReplies !== errorsBefore) s.failedCalls++;
    this.totalCommands++;
    client.lastCommand = name;
    for (const o of this.observers) o(client, spec, argv, micros);
  }

  private reject(client: Client, error: string, spec?: CommandSpec): void {
    if (client.multi !== null) client.multi.dirty = true; // Redis: EXECABORT later
    if (spec !== undefined) this.statsFor(this.table.fullName(spec)).rejectedCalls++;
    // Redis's rejectCommand: a refused EXEC discards the transaction and says why
    client.reply.error(spec?.name === 'exec' ? execAbortReply(client, error) : error);
  }
}

/** Redis's processCommand: a write, PING, or EXEC of a transaction holding a write. */
function deniedOnDiskError(client: Client, spec: CommandSpec): boolean {
  if (spec.flags.includes('write') || spec.name === 'ping') return true;
  return spec.name === 'exec' && client.multi !== null && client.multi.queue.some((q) => q.spec.flags.includes('write'));
}
