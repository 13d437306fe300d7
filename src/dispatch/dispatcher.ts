import { performance } from 'node:perf_hooks';
import type { Client } from '../network/client.js';
import { Err } from '../protocol/errors.js';
import { CommandError } from './argCursor.js';
import type { CommandSpec } from './commandSpec.js';
import type { CommandEntry, CommandTable } from './commandTable.js';
import { execAbortReply } from '../transactions/index.js';
import type { Propagator } from '../persistence/propagation.js';

export interface CommandStats {
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
}

/**
 * Stats by full name (INFO commandstats), an entry made on a command's first call or
 * rejection. Each is also kept by CommandEntry.index, so a call finds its own without
 * hashing the name; clear() (CONFIG RESETSTAT) drops both.
 */
export class CommandStatsTable extends Map<string, CommandStats> {
  private byIndex: (CommandStats | undefined)[] = [];

  forEntry(entry: CommandEntry): CommandStats {
    let s = this.byIndex[entry.index];
    if (s === undefined) {
      s = this.get(entry.fullName);
      if (s === undefined) this.set(entry.fullName, (s = { calls: 0, usec: 0, rejectedCalls: 0, failedCalls: 0 }));
      this.byIndex[entry.index] = s;
    }
    return s;
  }

  override clear(): void {
    super.clear();
    this.byIndex = [];
  }

  override delete(name: string): boolean {
    this.byIndex = [];
    return super.delete(name);
  }
}

/** Hooks the server adds to every call (MONITOR feed, slow log, ...). */
export type CallObserver = (client: Client, spec: CommandSpec, argv: string[], micros: number) => void;

/**
 * Lookup, arity, flag gates, then the handler. Errors thrown as CommandError while parsing
 * arguments become the reply; anything else is a bug, logged and answered with an ERR so
 * that one bad command never takes the server down.
 */
export class Dispatcher {
  readonly stats = new CommandStatsTable();
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

  execute(client: Client, argv: string[]): void {
    if (client.replyMode === 'skipNext') {
      this.executeSkipped(client, argv);
      return;
    }
    let entry = this.table.lookupEntry(argv[0]!);
    if (entry === undefined) {
      this.reject(client, Err.unknownCommand(argv[0]!, argv.slice(1)));
      return;
    }
    if (entry.subcommands !== null && argv.length >= 2) {
      const sub = entry.subcommands.get(argv[1]!.toLowerCase());
      if (sub === undefined) {
        // Redis answers HELP-less containers with the same text
        this.reject(client, Err.unknownSubcommand(argv[1]!, entry.spec.name), entry);
        return;
      }
      entry = sub;
    }
    const spec = entry.spec;
    const arity = spec.arity;
    if ((arity > 0 && argv.length !== arity) || argv.length < -arity) {
      this.reject(client, Err.wrongArity(entry.fullName), entry);
      return;
    }
    // Redis: checked after arity, so unknown commands and arity errors come first
    const server = client.server;
    if (!client.authenticated && !entry.noAuth && server.acl.authRequired(client)) {
      this.reject(client, Err.noAuth, entry);
      return;
    }
    // Redis: ACL after authentication (src/acl); skipped while no user is restricted
    if (!server.acl.open) {
      const denied = server.acl.checkCommand(client, spec, argv);
      if (denied !== null) {
        this.reject(client, denied, entry);
        return;
      }
    }
    // Redis's processCommand: with maxmemory set, evict first, then refuse what may grow memory (src/memory)
    if (server.memory.maxmemory > 0) {
      const oom = server.memory.beforeCommand(client, entry);
      if (oom !== null) {
        this.reject(client, oom, entry);
        return;
      }
    }
    if (client.resp === 2 && !entry.subscribedModeAllowed && client.subscriptionCount > 0) {
      this.reject(client, Err.pubsubContext(entry.fullName), entry);
      return;
    }
    if (this.loading && !entry.allowedWhileLoading) {
      this.reject(client, Err.loading, entry);
      return;
    }
    // Redis: writes (and PING) are refused while the log cannot be written; reads go on
    if (this.writesDenied !== null && deniedOnDiskError(client, entry)) {
      this.reject(client, this.writesDenied, entry);
      return;
    }
    // CLIENT PAUSE: the command waits, with the rest of this client's input (Redis's blockPostponeClient)
    if (server.pause.mode !== null && server.pause.holds(client, spec)) {
      server.pause.postpone(client, argv);
      return;
    }
    if (client.multi !== null && !entry.multiImmediate) {
      if (entry.noMulti) {
        this.reject(client, `ERR Command not allowed inside a transaction`, entry);
        return;
      }
      client.multi.queue.push({ spec, argv });
      client.reply.raw('+QUEUED\r\n');
      return;
    }
    this.callEntry(client, entry, argv);
  }

  /** Redis's resetClient: after CLIENT REPLY SKIP, the whole reply of the next command is dropped. */
  private executeSkipped(client: Client, argv: string[]): void {
    client.replyMode = 'skip';
    this.execute(client, argv);
    if (client.replyMode === 'skip') client.replyMode = 'on';
  }

  /** Runs a resolved command (also used by EXEC for each queued command). */
  call(client: Client, spec: CommandSpec, argv: string[]): void {
    const entry = this.table.entryOf(spec);
    if (entry === undefined) throw new Error(`command ${spec.name} is not in the command table`);
    this.callEntry(client, entry, argv);
  }

  private callEntry(client: Client, entry: CommandEntry, argv: string[]): void {
    const spec = entry.spec;
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
        client.reply.error(`ERR internal error while running '${entry.fullName}'`);
      }
    }
    if (propagation !== null) propagation.afterCall(client, spec, argv, mark);
    const end = performance.now();
    this.clockAt = end;
    const micros = (end - start) * 1000;
    // Stats by entry index, not by name: a Map lookup by a string per call was 2-4% of the
    // server's CPU for PING/GET at -P 16.
    const s = this.stats.forEntry(entry);
    s.calls++;
    s.usec += micros;
    // Redis: a command that replied with an error counts as failed
    if (failed || this.errorReplies !== errorsBefore) s.failedCalls++;
    this.totalCommands++;
    client.lastCommand = entry.fullName;
    for (const o of this.observers) o(client, spec, argv, micros);
  }

  private reject(client: Client, error: string, entry?: CommandEntry): void {
    if (client.multi !== null) client.multi.dirty = true; // Redis: EXECABORT later
    if (entry !== undefined) this.stats.forEntry(entry).rejectedCalls++;
    // Redis's rejectCommand: a refused EXEC discards the transaction and says why
    client.reply.error(entry?.spec.name === 'exec' ? execAbortReply(client, error) : error);
  }
}

/** Redis's processCommand: a write, PING, or EXEC of a transaction holding a write. */
function deniedOnDiskError(client: Client, entry: CommandEntry): boolean {
  if (entry.write || entry.spec.name === 'ping') return true;
  return entry.spec.name === 'exec' && client.multi !== null && client.multi.queue.some((q) => q.spec.flags.includes('write'));
}
