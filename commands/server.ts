import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { ArgSpec, CommandSpec, KeySpec } from '../src/dispatch/commandSpec.js';
import { CommandError } from '../src/dispatch/argCursor.js';
import { getKeyPositions, legacyKeyRange, reportedFlags, type CommandTable } from '../src/dispatch/commandTable.js';
import { Err } from '../src/protocol/errors.js';
import type { ReplyWriter } from '../src/protocol/replyWriter.js';
import type { Client } from '../src/network/client.js';
import type { Server } from '../src/server.js';
import { CONFIG_TABLE, Config, ConfigError, findConfig, type ConfigEntry } from '../src/config.js';
import { stringMatch } from '../src/util/glob.js';
import { splitArgs } from '../src/util/splitArgs.js';
import { REDIS_COMPAT_VERSION, replyHelp } from './connection.js';
import { aclCategories } from '../src/acl/categories.js';

// ---------------------------------------------------------------------------------------
// Per-server state these commands keep (the server knows nothing of them).

interface ServerState {
  runId: string;
  replId: string;
  peakMemory: number;
  /** Last (time, commands processed) sample, for instantaneous_ops_per_sec. */
  opsSampleAt: number;
  opsSampleCommands: number;
  opsPerSec: number;
  monitorFeedInstalled: boolean;
}

const states = new WeakMap<Server, ServerState>();
function stateOf(server: Server): ServerState {
  let s = states.get(server);
  if (s === undefined) {
    s = {
      runId: randomBytes(20).toString('hex'),
      replId: randomBytes(20).toString('hex'),
      peakMemory: 0,
      opsSampleAt: server.stats.startedAt,
      opsSampleCommands: 0,
      opsPerSec: 0,
      monitorFeedInstalled: false,
    };
    states.set(server, s);
  }
  return s;
}

/** Holdfast's own version, from package.json (next to src/ in the tree, one level up from dist/). */
const HOLDFAST_VERSION = ((): string => {
  for (const rel of ['../package.json', '../../package.json']) {
    const url = new URL(rel, import.meta.url);
    if (!existsSync(url)) continue;
    const pkg = JSON.parse(readFileSync(url, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'holdfast' && pkg.version) return pkg.version;
  }
  return '0.0.0';
})();

// ---------------------------------------------------------------------------------------
// INFO

/** Redis's bytesToHuman. */
export function bytesToHuman(n: number): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  if (n < 1024) return `${n}B`;
  let d = n;
  for (const u of units) {
    d /= 1024;
    if (d < 1024 || u === 'P') return `${d.toFixed(2)}${u}`;
  }
  return `${n}B`;
}

type InfoFields = [string, string | number][];

/** Redis's avg_ttl is an estimate too: the mean remaining TTL over a bounded sample of volatile keys. */
function averageTtl(server: Server, dbIndex: number): number {
  const db = server.keyspace.dbs[dbIndex]!;
  if (db.expiresCount === 0) return 0;
  const now = server.clock.now();
  let sum = 0;
  let n = 0;
  let visited = 0;
  for (const [key] of db.entries()) {
    if (++visited > 10_000 || n >= 1000) break;
    const at = db.getExpire(key);
    if (at === undefined) continue;
    sum += at - now;
    n++;
  }
  return n === 0 ? 0 : Math.max(0, Math.round(sum / n));
}

function sampleOps(server: Server, state: ServerState): number {
  const now = Date.now();
  const elapsed = now - state.opsSampleAt;
  // Redis samples every 100 ms; here the rate is measured between INFO calls at least that far apart.
  if (elapsed >= 100) {
    state.opsPerSec = Math.round(((server.dispatcher.totalCommands - state.opsSampleCommands) * 1000) / elapsed);
    state.opsSampleAt = now;
    state.opsSampleCommands = server.dispatcher.totalCommands;
  }
  return state.opsPerSec;
}

/** The built-in sections, in Redis's order, each producing its fields. */
const INFO_SECTIONS: readonly [string, (server: Server) => InfoFields][] = [
  [
    'server',
    (server) => {
      const state = stateOf(server);
      const nowMs = Date.now();
      const uptime = Math.floor((nowMs - server.stats.startedAt) / 1000);
      const hz = server.config.num('hz');
      return [
        ['redis_version', REDIS_COMPAT_VERSION],
        ['holdfast_version', HOLDFAST_VERSION],
        ['redis_git_sha1', '00000000'],
        ['redis_git_dirty', 0],
        ['redis_build_id', '0'],
        ['redis_mode', 'standalone'],
        ['os', `${os.type()} ${os.release()} ${os.machine()}`],
        ['arch_bits', process.arch.endsWith('64') ? 64 : 32],
        ['monotonic_clock', 'POSIX clock_gettime'],
        ['multiplexing_api', 'libuv'],
        ['node_version', process.version.slice(1)],
        ['process_id', process.pid],
        ['process_supervised', 'no'],
        ['run_id', state.runId],
        ['tcp_port', server.port],
        ['server_time_usec', nowMs * 1000],
        ['uptime_in_seconds', uptime],
        ['uptime_in_days', Math.floor(uptime / 86400)],
        ['hz', hz],
        ['configured_hz', hz],
        ['lru_clock', server.keyspace.lru.seconds & 0xffffff],
        ['executable', process.argv[1] ?? ''],
        ['config_file', server.config.file ?? ''],
        ['io_threads_active', 0],
      ];
    },
  ],
  [
    'clients',
    (server) => {
      let blocked = 0, maxIn = 0, maxOut = 0, normal = 0;
      for (const c of server.clients.values()) {
        if (c.blocked) blocked++;
        maxIn = Math.max(maxIn, c.parser.bufferedBytes);
        maxOut = Math.max(maxOut, c.outputBytes);
        // Redis counts monitors as replicas, not as connected clients
        if (!c.monitor) normal++;
      }
      return [
        ['connected_clients', normal],
        ['cluster_connections', 0],
        ['maxclients', server.config.num('maxclients')],
        ['client_recent_max_input_buffer', maxIn],
        ['client_recent_max_output_buffer', maxOut],
        ['blocked_clients', blocked],
        ['tracking_clients', 0],
        ['clients_in_timeout_table', 0],
      ];
    },
  ],
  [
    'memory',
    (server) => {
      const state = stateOf(server);
      const mem = process.memoryUsage();
      // The V8 heap in use stands for Redis's allocator-counted memory (the data and its overhead).
      const used = mem.heapUsed;
      if (used > state.peakMemory) state.peakMemory = used;
      const total = os.totalmem();
      const maxmemory = server.config.num('maxmemory');
      return [
        ['used_memory', used],
        ['used_memory_human', bytesToHuman(used)],
        ['used_memory_rss', mem.rss],
        ['used_memory_rss_human', bytesToHuman(mem.rss)],
        ['used_memory_peak', state.peakMemory],
        ['used_memory_peak_human', bytesToHuman(state.peakMemory)],
        ['used_memory_peak_perc', `${((used * 100) / state.peakMemory).toFixed(2)}%`],
        ['used_memory_heap_total', mem.heapTotal],
        ['used_memory_external', mem.external],
        ['total_system_memory', total],
        ['total_system_memory_human', bytesToHuman(total)],
        ['maxmemory', maxmemory],
        ['maxmemory_human', bytesToHuman(maxmemory)],
        ['maxmemory_policy', server.config.str('maxmemory-policy')],
        ['mem_fragmentation_ratio', (mem.rss / used).toFixed(2)],
        ['mem_fragmentation_bytes', mem.rss - used],
        ['mem_allocator', `v8-${process.versions.v8}`],
        ['lazyfree_pending_objects', 0],
      ];
    },
  ],
  [
    'persistence',
    (server) => [
      ['loading', server.dispatcher.loading ? 1 : 0],
      ['async_loading', 0],
      ['rdb_changes_since_last_save', server.stats.dirty],
      ['rdb_bgsave_in_progress', 0],
      ['rdb_last_save_time', server.lastSave],
      ['rdb_last_bgsave_status', 'ok'],
      ['aof_enabled', server.config.bool('appendonly') ? 1 : 0],
      ['aof_rewrite_in_progress', 0],
      ['aof_rewrite_scheduled', 0],
      ['aof_last_write_status', 'ok'],
    ],
  ],
  [
    'stats',
    (server) => {
      const ks = server.keyspace.stats;
      const broker = server.broker as { channels: Map<string, unknown>; patterns: Map<string, unknown>; shardChannels?: Map<string, unknown> };
      return [
        ['total_connections_received', server.stats.totalConnections],
        ['total_commands_processed', server.dispatcher.totalCommands],
        ['instantaneous_ops_per_sec', sampleOps(server, stateOf(server))],
        ['total_net_input_bytes', server.stats.netInputBytes],
        ['rejected_connections', server.stats.rejectedConnections],
        ['expired_keys', ks.expiredKeys],
        ['evicted_keys', ks.evictedKeys],
        ['keyspace_hits', ks.keyspaceHits],
        ['keyspace_misses', ks.keyspaceMisses],
        ['pubsub_channels', broker.channels.size],
        ['pubsub_patterns', broker.patterns.size],
        ['pubsubshard_channels', broker.shardChannels?.size ?? 0],
        ['unexpected_error_replies', 0],
        ['total_error_replies', server.dispatcher.errorReplies],
      ];
    },
  ],
  [
    'replication',
    (server) => [
      ['role', 'master'],
      ['connected_slaves', 0],
      ['master_failover_state', 'no-failover'],
      ['master_replid', stateOf(server).replId],
      ['master_replid2', '0000000000000000000000000000000000000000'],
      ['master_repl_offset', 0],
      ['second_repl_offset', -1],
      ['repl_backlog_active', 0],
      ['repl_backlog_size', 1048576],
      ['repl_backlog_first_byte_offset', 0],
      ['repl_backlog_histlen', 0],
    ],
  ],
  [
    'cpu',
    () => {
      const u = process.cpuUsage();
      return [
        ['used_cpu_sys', (u.system / 1e6).toFixed(6)],
        ['used_cpu_user', (u.user / 1e6).toFixed(6)],
        ['used_cpu_sys_children', '0.000000'],
        ['used_cpu_user_children', '0.000000'],
      ];
    },
  ],
  ['modules', () => []],
  [
    'commandstats',
    (server) => {
      const out: InfoFields = [];
      for (const [name, s] of server.dispatcher.stats) {
        if (s.calls === 0 && s.failedCalls === 0 && s.rejectedCalls === 0) continue;
        const usec = Math.floor(s.usec);
        out.push([
          `cmdstat_${name}`,
          `calls=${s.calls},usec=${usec},usec_per_call=${(s.calls === 0 ? 0 : s.usec / s.calls).toFixed(2)},rejected_calls=${s.rejectedCalls},failed_calls=${s.failedCalls}`,
        ]);
      }
      return out;
    },
  ],
  [
    'errorstats',
    (server) => [...server.dispatcher.errorStats].map(([code, n]): [string, string] => [`errorstat_${code}`, `count=${n}`]),
  ],
  ['cluster', () => [['cluster_enabled', 0]]],
  [
    'keyspace',
    (server) => {
      const out: InfoFields = [];
      for (const db of server.keyspace.dbs) {
        if (db.size === 0) continue;
        out.push([`db${db.index}`, `keys=${db.size},expires=${db.expiresCount},avg_ttl=${averageTtl(server, db.index)}`]);
      }
      return out;
    },
  ],
];

const BUILTIN_SECTIONS = new Map(INFO_SECTIONS);
/** Redis 7.0's section order; a subsystem may fill one Holdfast has no data for (latencystats). */
const REDIS_SECTION_ORDER = [
  'server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'commandstats', 'errorstats',
  'latencystats', 'cluster', 'keyspace',
];
/** Redis 7.0: "default" is everything but these. */
const NOT_DEFAULT = new Set(['commandstats', 'latencystats']);

function sectionTitle(name: string): string {
  if (name === 'cpu') return 'CPU';
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Redis's genRedisInfoString over the requested section names (lower case). */
export function infoText(server: Server, requested: readonly string[]): string {
  const wanted = new Set<string>();
  let all = false, def = requested.length === 0;
  for (const r of requested) {
    if (r === 'all' || r === 'everything') all = true;
    else if (r === 'default') def = true;
    else wanted.add(r);
  }
  const include = (name: string) => all || (def && !NOT_DEFAULT.has(name)) || wanted.has(name);
  // Sections of subsystems (sale, ...) that Redis does not have go before the keyspace, which Redis prints last.
  const extras = [...server.infoSections.keys()].map((k) => k.toLowerCase()).filter((k) => !REDIS_SECTION_ORDER.includes(k));
  const order = [...REDIS_SECTION_ORDER.slice(0, -1), ...extras, 'keyspace'];
  const sections: string[] = [];
  for (const name of order) {
    const build = BUILTIN_SECTIONS.get(name);
    const extension = server.infoSections.get(name);
    if ((build === undefined && extension === undefined) || !include(name)) continue;
    let fields = build?.(server) ?? [];
    // A subsystem may extend a built-in section (persistence adds its log's fields): its values win.
    if (extension !== undefined) {
      const extra = extension();
      const names = new Set(extra.map(([k]) => k));
      fields = [...fields.filter(([k]) => !names.has(k)), ...extra];
    }
    let text = `# ${sectionTitle(name)}\r\n`;
    for (const [k, v] of fields) text += `${k}:${v}\r\n`;
    sections.push(text);
  }
  return sections.join('\r\n');
}

export const info = {
  name: 'info',
  arity: -1,
  flags: ['loading', 'stale'],
  acl: ['dangerous'],
  group: 'server',
  summary: 'Get information and statistics about the server',
  since: '1.0.0',
  complexity: 'O(1)',
  history: [['7.0.0', 'Added support for taking multiple section arguments.']],
  arguments: [{ name: 'section', type: 'string', optional: true, multiple: true }],
  tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
  handler(client, argv) {
    const requested = argv.slice(1).map((s) => s.toLowerCase());
    client.reply.verbatim(infoText(client.server, requested));
  },
} as const satisfies CommandSpec;

// ---------------------------------------------------------------------------------------
// CONFIG

/** Quotes a config file word when the file parser would otherwise split or unescape it. */
function configWord(word: string): string {
  if (word !== '' && /^[\x21-\x7e]+$/.test(word) && !/["'\\]/.test(word)) return word;
  let out = '"';
  for (const ch of word) {
    const c = ch.charCodeAt(0);
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c > 0x7e) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + '"';
}

function configLine(server: Server, e: ConfigEntry): string {
  const value = server.config.format(e.name);
  // Lists of plain words (save, bind, client-output-buffer-limit) are written as words, as in
  // redis.conf; anything else is one quoted string. The file reader joins words with one space.
  const words = value.split(' ');
  if (value !== '' && words.every((w) => w !== '' && configWord(w) === w)) return `${e.name} ${value}`;
  return `${e.name} ${configWord(value)}`;
}

/**
 * Redis's rewriteConfig: lines of known settings take the current value (later duplicates
 * go), comments and unknown lines stay, and settings changed from their default but absent
 * from the file are appended.
 */
export function rewriteConfigFile(server: Server, path: string): void {
  const lines = existsSync(path) ? readFileSync(path, 'latin1').split('\n') : [];
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const done = new Set<ConfigEntry>();
  const out: string[] = [];
  // Redis's rewriteConfigUserOption: the ACL users replace the `user` lines in place (the
  // rest are appended), unless an aclfile holds them; then `user` lines are dropped.
  const users = server.config.str('aclfile') === '' ? server.acl.sortedUsers().map((u) => `user ${u.name} ${u.describe()}`) : [];
  for (const raw of lines) {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      out.push(raw);
      continue;
    }
    const args = splitArgs(trimmed);
    if (args !== null && args[0]?.toLowerCase() === 'user') {
      const next = users.shift();
      if (next !== undefined) out.push(next);
      continue;
    }
    const e = args && args.length > 0 ? findConfig(args[0]!) : undefined;
    if (e === undefined) {
      out.push(raw);
      continue;
    }
    if (done.has(e)) continue;
    done.add(e);
    out.push(configLine(server, e));
  }
  const marker = '# Generated by CONFIG REWRITE';
  let markerWritten = out.includes(marker);
  for (const e of CONFIG_TABLE) {
    if (done.has(e)) continue;
    if (server.config.format(e.name) === formatDefault(e)) continue;
    if (!markerWritten) {
      out.push(marker);
      markerWritten = true;
    }
    out.push(configLine(server, e));
  }
  for (const line of users) {
    if (!markerWritten) {
      out.push(marker);
      markerWritten = true;
    }
    out.push(line);
  }
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, out.join('\n') + '\n', 'latin1');
  renameSync(tmp, path);
}

/** A setting's default as CONFIG GET shows it (a fresh Config holds only defaults). */
let defaults: Config | null = null;
function formatDefault(e: ConfigEntry): string {
  if (defaults === null) defaults = new Config();
  return defaults.format(e.name);
}

const configGet = {
  name: 'get',
  arity: -3,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  group: 'server',
  summary: 'Get the values of configuration parameters',
  since: '2.0.0',
  complexity: 'O(N) when N is the number of configuration parameters provided',
  history: [['7.0.0', 'Added the ability to pass multiple pattern parameters in one call']],
  arguments: [{ name: 'parameter', type: 'block', multiple: true, arguments: [{ name: 'parameter', type: 'string' }] }],
  handler(client, argv) {
    const config = client.server.config;
    // name shown -> setting; a Map keeps the first-matched order and drops repeats
    const matches = new Map<string, ConfigEntry>();
    for (let i = 2; i < argv.length; i++) {
      const pattern = argv[i]!;
      if (!/[[*?]/.test(pattern)) {
        // Redis: an exact name is shown as the client typed it (aliases included)
        const e = findConfig(pattern);
        if (e !== undefined && !matches.has(pattern)) matches.set(pattern, e);
        continue;
      }
      for (const e of CONFIG_TABLE) {
        for (const name of [e.name, ...(e.alias ?? [])]) {
          if (matches.has(name) || !stringMatch(pattern, name, true)) continue;
          matches.set(name, e);
        }
      }
    }
    const r = client.reply;
    r.mapHeader(matches.size);
    for (const [name, e] of matches) {
      r.bulk(name);
      r.bulk(config.format(e.name));
    }
  },
} as const satisfies CommandSpec;

const configSet = {
  name: 'set',
  arity: -4,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  group: 'server',
  summary: 'Set configuration parameters to the given values',
  since: '2.0.0',
  complexity: 'O(N) when N is the number of configuration parameters provided',
  history: [['7.0.0', 'Added the ability to set multiple parameters in one call.']],
  arguments: [
    {
      name: 'parameter_value', type: 'block', multiple: true, arguments: [
        { name: 'parameter', type: 'string' },
        { name: 'value', type: 'string' },
      ],
    },
  ],
  tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
  handler(client, argv) {
    // Redis: a name without its value is a syntax error (too few arguments fail the arity check)
    if (argv.length % 2 !== 0) throw new CommandError(Err.syntax);
    const pairs: [string, string][] = [];
    for (let i = 2; i < argv.length; i += 2) pairs.push([argv[i]!, argv[i + 1]!]);
    // Redis: an unknown name is reported before any other problem, wherever it is
    for (const [name] of pairs) {
      if (findConfig(name) === undefined) throw new CommandError(Err.configUnknownOption(name));
    }
    const seen = new Set<ConfigEntry>();
    for (const [name] of pairs) {
      const e = findConfig(name)!;
      if (!e.mutable) break; // setMany reports it, in order
      if (seen.has(e)) throw new CommandError(Err.configDuplicate(name));
      seen.add(e);
    }
    try {
      client.server.config.setMany(pairs);
    } catch (err) {
      if (err instanceof ConfigError) throw new CommandError(`ERR ${err.message}`);
      throw err;
    }
    client.reply.ok();
  },
} as const satisfies CommandSpec;

/** Redis's resetServerStats + resetCommandTableStats + resetErrorTableStats. */
export function resetStats(server: Server): void {
  const d = server.dispatcher;
  d.stats.clear();
  d.errorStats.clear();
  d.errorReplies = 0;
  d.totalCommands = 0;
  const ks = server.keyspace.stats;
  ks.expiredKeys = ks.evictedKeys = ks.keyspaceHits = ks.keyspaceMisses = 0;
  server.stats.totalConnections = 0;
  server.stats.rejectedConnections = 0;
  server.stats.netInputBytes = 0;
  const state = stateOf(server);
  state.peakMemory = 0;
  // used_memory_peak, GC pauses, event-loop stall, evicted_clients (src/memory)
  server.memory.resetStats();
  state.opsSampleAt = Date.now();
  state.opsSampleCommands = 0;
  state.opsPerSec = 0;
}

const configResetstat = {
  name: 'resetstat',
  arity: 2,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  group: 'server',
  summary: 'Reset the stats returned by INFO',
  since: '2.0.0',
  complexity: 'O(1)',
  handler(client) {
    resetStats(client.server);
    client.reply.ok();
  },
} as const satisfies CommandSpec;

const configRewrite = {
  name: 'rewrite',
  arity: 2,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  group: 'server',
  summary: 'Rewrite the configuration file with the in memory configuration',
  since: '2.8.0',
  complexity: 'O(1)',
  handler(client) {
    const server = client.server;
    const file = server.config.file;
    if (file === null) throw new CommandError(Err.noConfigFile);
    try {
      rewriteConfigFile(server, file);
    } catch (err) {
      server.log('warning', `CONFIG REWRITE failed: ${(err as Error).message}`);
      throw new CommandError(Err.configRewrite((err as Error).message));
    }
    server.log('notice', 'CONFIG REWRITE executed with success.');
    client.reply.ok();
  },
} as const satisfies CommandSpec;

const configHelp = {
  name: 'help',
  arity: 2,
  flags: ['loading', 'stale'],
  group: 'server',
  summary: 'Show helpful text about the different subcommands',
  since: '5.0.0',
  complexity: 'O(1)',
  handler(client) {
    replyHelp(client.reply, 'CONFIG', [
      'GET <pattern>',
      '    Return parameters matching the glob-like <pattern> and their values.',
      'SET <directive> <value>',
      '    Set the configuration <directive> to <value>.',
      'RESETSTAT',
      '    Reset statistics reported by the INFO command.',
      'REWRITE',
      '    Rewrite the configuration file.',
    ]);
  },
} as const satisfies CommandSpec;

export const config = {
  name: 'config',
  arity: -2,
  flags: [],
  group: 'server',
  summary: 'A container for server configuration commands',
  since: '2.0.0',
  complexity: 'Depends on subcommand.',
  subcommands: [configGet, configSet, configResetstat, configRewrite, configHelp],
} as const satisfies CommandSpec;

// ---------------------------------------------------------------------------------------
// TIME, LASTSAVE, DEBUG, MONITOR, SHUTDOWN

export const time = {
  name: 'time',
  arity: 1,
  flags: ['loading', 'stale', 'fast'],
  group: 'server',
  summary: 'Return the current server time',
  since: '2.6.0',
  complexity: 'O(1)',
  tips: ['nondeterministic_output'],
  handler(client) {
    const ms = Date.now();
    // Microseconds below the millisecond come from the high-resolution clock.
    const usec = (ms % 1000) * 1000 + Math.floor((performance.now() % 1) * 1000);
    client.reply.bulkArray([String(Math.floor(ms / 1000)), String(usec)]);
  },
} as const satisfies CommandSpec;

export const lastsave = {
  name: 'lastsave',
  arity: 1,
  flags: ['loading', 'stale', 'fast'],
  acl: ['admin', 'dangerous'],
  group: 'server',
  summary: 'Get the UNIX time stamp of the last successful save to disk',
  since: '1.0.0',
  complexity: 'O(1)',
  tips: ['nondeterministic_output'],
  handler(client) {
    client.reply.integer(client.server.lastSave);
  },
} as const satisfies CommandSpec;

/** Blocks the whole thread, as Redis's DEBUG SLEEP blocks its event loop (no CPU spent). */
function sleepThread(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export const debug = {
  name: 'debug',
  arity: -2,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  group: 'server',
  summary: 'A container for debugging commands',
  since: '1.0.0',
  complexity: 'Depends on subcommand.',
  docFlags: ['syscmd'],
  handler(client, argv) {
    const sub = argv[1]!.toUpperCase();
    if (sub === 'SLEEP' && argv.length === 3) {
      // Redis reads the seconds with strtod: junk counts as 0
      const seconds = Number.parseFloat(argv[2]!);
      sleepThread(Number.isFinite(seconds) ? seconds * 1000 : 0);
      client.reply.ok();
    } else if (sub === 'HELP' && argv.length === 2) {
      replyHelp(client.reply, 'DEBUG', [
        'SLEEP <seconds>',
        '    Stop the server for <seconds>. Decimals allowed.',
      ]);
    } else {
      throw new CommandError(Err.subcommandSyntax(argv[1]!, 'debug'));
    }
  },
} as const satisfies CommandSpec;

/** Redis's sdscatrepr: a quoted, escaped argument as MONITOR shows it. */
export function reprArg(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const c = s.charCodeAt(i);
    switch (ch) {
      case '\\':
      case '"':
        out += '\\' + ch;
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\x07':
        out += '\\a';
        break;
      case '\b':
        out += '\\b';
        break;
      default:
        out += c >= 0x20 && c < 0x7f ? ch : `\\x${c.toString(16).padStart(2, '0')}`;
    }
  }
  return out + '"';
}

/** Arguments Redis redacts from MONITOR (and the slow log): passwords. */
function monitorArgs(spec: CommandSpec, argv: readonly string[]): readonly string[] {
  if (spec.name === 'auth') return [argv[0]!, ...argv.slice(1).map(() => '(redacted)')];
  if (spec.name === 'hello') {
    const out = [...argv];
    for (let i = 2; i + 2 < out.length; i++) {
      if (out[i]!.toUpperCase() === 'AUTH') {
        out[i + 1] = out[i + 2] = '(redacted)';
        i += 2;
      }
    }
    return out;
  }
  return argv;
}

function installMonitorFeed(server: Server): void {
  const state = stateOf(server);
  if (state.monitorFeedInstalled) return;
  state.monitorFeedInstalled = true;
  server.dispatcher.observers.push((client: Client, spec: CommandSpec, argv: string[]) => {
    if (server.monitors.size === 0) return;
    // Redis: administrative commands are too dangerous to show
    if (spec.flags.includes('admin') || spec.flags.includes('skip_monitor')) return;
    const nowUs = Math.floor((performance.timeOrigin + performance.now()) * 1000);
    const stamp = `${Math.floor(nowUs / 1e6)}.${String(nowUs % 1e6).padStart(6, '0')}`;
    let line = `+${stamp} [${client.dbIndex} ${client.remoteAddress}]`;
    for (const a of monitorArgs(spec, argv)) line += ' ' + reprArg(a);
    line += '\r\n';
    for (const m of server.monitors) m.push(line);
  });
}

export const monitor = {
  name: 'monitor',
  arity: 1,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  group: 'server',
  summary: 'Listen for all requests received by the server in real time',
  since: '1.0.0',
  handler(client) {
    // Redis: inside EXEC a client expects one reply per command, so it cannot become a monitor
    if (client.multi !== null) throw new CommandError(Err.monitorDenyBlocking);
    if (client.monitor) return; // Redis ignores a repeated MONITOR
    installMonitorFeed(client.server);
    client.monitor = true;
    client.server.monitors.add(client);
    client.reply.ok();
  },
} as const satisfies CommandSpec;

export const shutdown = {
  name: 'shutdown',
  arity: -1,
  flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'],
  group: 'server',
  summary: 'Synchronously save the dataset to disk and then shut down the server',
  since: '1.0.0',
  complexity: 'O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)',
  history: [['7.0.0', 'Added the `NOW`, `FORCE` and `ABORT` modifiers.']],
  arguments: [
    {
      name: 'nosave_save', type: 'oneof', optional: true, arguments: [
        { name: 'nosave', type: 'pure-token', token: 'NOSAVE' },
        { name: 'save', type: 'pure-token', token: 'SAVE' },
      ],
    },
    { name: 'now', type: 'pure-token', token: 'NOW', optional: true, since: '7.0.0' },
    { name: 'force', type: 'pure-token', token: 'FORCE', optional: true, since: '7.0.0' },
    { name: 'abort', type: 'pure-token', token: 'ABORT', optional: true, since: '7.0.0' },
  ],
  handler(client, argv) {
    let save = false, nosave = false, abort = false, other = false;
    for (let i = 1; i < argv.length; i++) {
      const opt = argv[i]!.toUpperCase();
      if (opt === 'NOSAVE') nosave = true;
      else if (opt === 'SAVE') save = true;
      else if (opt === 'NOW' || opt === 'FORCE') other = true;
      else if (opt === 'ABORT') abort = true;
      else throw new CommandError(Err.syntax);
    }
    if ((abort && (save || nosave || other)) || (save && nosave)) throw new CommandError(Err.syntax);
    // Holdfast's shutdown is never left pending (no replicas to wait for), so there is nothing to abort.
    if (abort) throw new CommandError(Err.noShutdownInProgress);
    const server = client.server;
    server.log('warning', 'User requested shutdown...');
    // Redis replies nothing on success: the connection just closes. The shutdown hooks
    // (persistence) flush the log whatever SAVE/NOSAVE say: Holdfast has no snapshot to skip.
    void server.close().then(
      () => server.exitProcess?.(),
      (err: unknown) => server.log('warning', `Errors trying to shut down the server: ${(err as Error)?.message ?? err}`),
    );
  },
} as const satisfies CommandSpec;

// ---------------------------------------------------------------------------------------
// COMMAND: everything here is read from the declarations.

// ACL categories are derived in src/acl/categories.ts, shared with the ACL rules (+@read ...).
export { aclCategories };

/** Redis's flag order in COMMAND INFO (may_replicate and sentinel flags are not shown by 7.0). */
const FLAG_ORDER = [
  'write', 'readonly', 'denyoom', 'module', 'admin', 'pubsub', 'noscript', 'blocking', 'loading', 'stale',
  'skip_monitor', 'skip_slowlog', 'asking', 'fast', 'no_auth', 'no_mandatory_keys', 'no_async_loading', 'no_multi',
  'movablekeys', 'allow_busy',
];

export function infoFlags(spec: CommandSpec): string[] {
  const flags = reportedFlags(spec) as string[];
  return FLAG_ORDER.filter((f) => flags.includes(f));
}

const KEY_FLAG_ORDER = ['RO', 'RW', 'OW', 'RM', 'ACCESS', 'UPDATE', 'INSERT', 'DELETE', 'NOT_KEY', 'INCOMPLETE', 'VARIABLE_FLAGS'];

/** Key spec flags as Redis 7.0 prints them: RO/RW/OW/RM upper case, the rest lower case. */
export function keySpecFlagNames(ks: KeySpec): string[] {
  return KEY_FLAG_ORDER.filter((f) => (ks.flags as readonly string[]).includes(f)).map((f) => (f.length === 2 ? f : f.toLowerCase()));
}

function statusSet(r: ReplyWriter, items: readonly string[]): void {
  r.setHeader(items.length);
  for (const s of items) r.simple(s);
}

function writeKeySpec(r: ReplyWriter, ks: KeySpec): void {
  r.mapHeader(ks.notes === undefined ? 3 : 4);
  if (ks.notes !== undefined) {
    r.bulk('notes');
    r.bulk(ks.notes);
  }
  r.bulk('flags');
  statusSet(r, keySpecFlagNames(ks));
  r.bulk('begin_search');
  r.mapHeader(2);
  r.bulk('type');
  const bs = ks.beginSearch;
  if ('index' in bs) {
    r.bulk('index');
    r.bulk('spec');
    r.mapHeader(1);
    r.bulk('index');
    r.integer(bs.index);
  } else {
    r.bulk('keyword');
    r.bulk('spec');
    r.mapHeader(2);
    r.bulk('keyword');
    r.bulk(bs.keyword);
    r.bulk('startfrom');
    r.integer(bs.startFrom);
  }
  r.bulk('find_keys');
  r.mapHeader(2);
  r.bulk('type');
  const fk = ks.findKeys;
  if ('range' in fk) {
    r.bulk('range');
    r.bulk('spec');
    r.mapHeader(3);
    r.bulk('lastkey');
    r.integer(fk.range.lastKey);
    r.bulk('keystep');
    r.integer(fk.range.step);
    r.bulk('limit');
    r.integer(fk.range.limit);
  } else {
    r.bulk('keynum');
    r.bulk('spec');
    r.mapHeader(3);
    r.bulk('keynumidx');
    r.integer(fk.keynum.keynumIdx);
    r.bulk('firstkey');
    r.integer(fk.keynum.firstKey);
    r.bulk('keystep');
    r.integer(fk.keynum.step);
  }
}

/** Redis's addReplyCommandInfo: the 10-element array. */
export function writeCommandInfo(r: ReplyWriter, table: CommandTable, spec: CommandSpec): void {
  const legacy = legacyKeyRange(spec);
  r.arrayHeader(10);
  r.bulk(table.fullName(spec));
  r.integer(spec.arity);
  statusSet(r, infoFlags(spec));
  r.integer(legacy.firstKey);
  r.integer(legacy.lastKey);
  r.integer(legacy.step);
  statusSet(r, aclCategories(spec).map((c) => '@' + c));
  const tips = spec.tips ?? [];
  r.setHeader(tips.length);
  for (const t of tips) r.bulk(t);
  const specs = spec.keySpecs ?? [];
  r.setHeader(specs.length);
  for (const ks of specs) writeKeySpec(r, ks);
  if (spec.subcommands === undefined) {
    r.setHeader(0);
  } else {
    r.arrayHeader(spec.subcommands.length);
    for (const sub of spec.subcommands) writeCommandInfo(r, table, sub);
  }
}

/** COMMAND DOCS names the sorted_set group as Redis does. */
function groupName(group: CommandSpec['group']): string {
  return group === 'sorted_set' ? 'sorted-set' : group;
}

function writeArgs(r: ReplyWriter, args: readonly ArgSpec[]): void {
  r.arrayHeader(args.length);
  for (const a of args) {
    const flags: string[] = [];
    if (a.optional) flags.push('optional');
    if (a.multiple) flags.push('multiple');
    if (a.multipleToken) flags.push('multiple_token');
    const nested = a.type === 'oneof' || a.type === 'block';
    let n = 2;
    if (a.type === 'key') n++;
    if (a.token !== undefined) n++;
    if (a.since !== undefined) n++;
    if (a.deprecatedSince !== undefined) n++;
    if (flags.length > 0) n++;
    if (nested) n++;
    r.mapHeader(n);
    r.bulk('name');
    r.bulk(a.name);
    r.bulk('type');
    r.bulk(a.type);
    if (a.type === 'key') {
      r.bulk('key_spec_index');
      r.integer(a.keySpecIndex ?? 0);
    }
    if (a.token !== undefined) {
      r.bulk('token');
      r.bulk(a.token);
    }
    if (a.since !== undefined) {
      r.bulk('since');
      r.bulk(a.since);
    }
    if (a.deprecatedSince !== undefined) {
      r.bulk('deprecated_since');
      r.bulk(a.deprecatedSince);
    }
    if (flags.length > 0) {
      r.bulk('flags');
      statusSet(r, flags);
    }
    if (nested) {
      r.bulk('arguments');
      writeArgs(r, a.arguments ?? []);
    }
  }
}

/** Redis's addReplyCommandDocs: the map redis-cli builds its help and hints from. */
export function writeCommandDocs(r: ReplyWriter, table: CommandTable, spec: CommandSpec): void {
  let n = 3;
  if (spec.complexity !== undefined) n++;
  if (spec.docFlags !== undefined && spec.docFlags.length > 0) n++;
  if (spec.deprecatedSince !== undefined) n++;
  if (spec.replacedBy !== undefined) n++;
  if (spec.history !== undefined && spec.history.length > 0) n++;
  if (spec.arguments !== undefined && spec.arguments.length > 0) n++;
  if (spec.subcommands !== undefined) n++;
  r.mapHeader(n);
  r.bulk('summary');
  r.bulk(spec.summary);
  r.bulk('since');
  r.bulk(spec.since);
  r.bulk('group');
  r.bulk(groupName(spec.group));
  if (spec.complexity !== undefined) {
    r.bulk('complexity');
    r.bulk(spec.complexity);
  }
  if (spec.docFlags !== undefined && spec.docFlags.length > 0) {
    r.bulk('doc_flags');
    statusSet(r, spec.docFlags);
  }
  if (spec.deprecatedSince !== undefined) {
    r.bulk('deprecated_since');
    r.bulk(spec.deprecatedSince);
  }
  if (spec.replacedBy !== undefined) {
    r.bulk('replaced_by');
    r.bulk(spec.replacedBy);
  }
  if (spec.history !== undefined && spec.history.length > 0) {
    r.bulk('history');
    r.setHeader(spec.history.length);
    for (const [version, change] of spec.history) r.bulkArray([version, change]);
  }
  if (spec.arguments !== undefined && spec.arguments.length > 0) {
    r.bulk('arguments');
    writeArgs(r, spec.arguments);
  }
  if (spec.subcommands !== undefined) {
    r.bulk('subcommands');
    r.mapHeader(spec.subcommands.length);
    for (const sub of spec.subcommands) {
      r.bulk(table.fullName(sub));
      writeCommandDocs(r, table, sub);
    }
  }
}

/** Redis's lookupCommandBySds: "get", or "config|get" for a subcommand. */
export function lookupByFullName(table: CommandTable, name: string): CommandSpec | undefined {
  const bar = name.indexOf('|');
  if (bar === -1) return table.lookup(name);
  const parent = table.lookup(name.slice(0, bar));
  if (parent === undefined || name.indexOf('|', bar + 1) !== -1) return undefined;
  return table.subcommand(parent, name.slice(bar + 1));
}

/** Every command and subcommand, containers before their subcommands. */
function* allSpecs(table: CommandTable): Generator<CommandSpec> {
  for (const spec of table.commands) {
    yield spec;
    if (spec.subcommands) yield* spec.subcommands;
  }
}

/** Resolves the command COMMAND GETKEYS is asked about and checks it as Redis does. */
function getkeysTarget(table: CommandTable, args: string[]): CommandSpec {
  const spec = table.resolve(args);
  if (spec === undefined || (spec.subcommands !== undefined && args.length >= 2)) throw new CommandError(Err.getkeysInvalidCommand);
  if ((spec.keySpecs ?? []).length === 0) throw new CommandError(Err.getkeysNoKeys);
  if ((spec.arity > 0 && args.length !== spec.arity) || args.length < -spec.arity) throw new CommandError(Err.getkeysInvalidArity);
  return spec;
}

const commandCount = {
  name: 'count',
  arity: 2,
  flags: ['loading', 'stale'],
  acl: ['connection'],
  group: 'server',
  summary: 'Get total number of Redis commands',
  since: '2.8.13',
  complexity: 'O(1)',
  handler(client) {
    client.reply.integer(client.server.table.size);
  },
} as const satisfies CommandSpec;

const commandInfo = {
  name: 'info',
  arity: -2,
  flags: ['loading', 'stale'],
  acl: ['connection'],
  group: 'server',
  summary: 'Get array of specific Redis command details, or all when no argument is given.',
  since: '2.8.13',
  complexity: 'O(N) where N is the number of commands to look up',
  history: [['7.0.0', 'Allowed to be called with no argument to get info on all commands.']],
  arguments: [{ name: 'command-name', type: 'string', optional: true, multiple: true }],
  tips: ['nondeterministic_output_order'],
  handler(client, argv) {
    const table = client.server.table;
    const r = client.reply;
    if (argv.length === 2) {
      r.arrayHeader(table.size);
      for (const spec of table.commands) writeCommandInfo(r, table, spec);
      return;
    }
    r.arrayHeader(argv.length - 2);
    for (let i = 2; i < argv.length; i++) {
      const spec = lookupByFullName(table, argv[i]!);
      // Redis's addReplyNull: $-1 in RESP2
      if (spec === undefined) r.nullBulk();
      else writeCommandInfo(r, table, spec);
    }
  },
} as const satisfies CommandSpec;

const commandDocs = {
  name: 'docs',
  arity: -2,
  flags: ['loading', 'stale'],
  acl: ['connection'],
  group: 'server',
  summary: 'Get array of specific Redis command documentation',
  since: '7.0.0',
  complexity: 'O(N) where N is the number of commands to look up',
  arguments: [{ name: 'command-name', type: 'string', optional: true, multiple: true }],
  tips: ['nondeterministic_output_order'],
  handler(client, argv) {
    const table = client.server.table;
    const r = client.reply;
    const specs: CommandSpec[] = [];
    if (argv.length === 2) specs.push(...table.commands);
    for (let i = 2; i < argv.length; i++) {
      const spec = lookupByFullName(table, argv[i]!);
      if (spec !== undefined) specs.push(spec);
    }
    r.mapHeader(specs.length);
    for (const spec of specs) {
      r.bulk(table.fullName(spec));
      writeCommandDocs(r, table, spec);
    }
  },
} as const satisfies CommandSpec;

const commandList = {
  name: 'list',
  arity: -2,
  flags: ['loading', 'stale'],
  acl: ['connection'],
  group: 'server',
  summary: 'Get an array of Redis command names',
  since: '7.0.0',
  complexity: 'O(N) where N is the total number of Redis commands',
  arguments: [
    {
      name: 'filterby', type: 'oneof', token: 'FILTERBY', optional: true, arguments: [
        { name: 'module-name', type: 'string', token: 'MODULE' },
        { name: 'category', type: 'string', token: 'ACLCAT' },
        { name: 'pattern', type: 'pattern', token: 'PATTERN' },
      ],
    },
  ],
  tips: ['nondeterministic_output_order'],
  handler(client, argv) {
    const table = client.server.table;
    let filter: ((spec: CommandSpec) => boolean) | null = null;
    for (let i = 2; i < argv.length; i += 3) {
      if (argv[i]!.toUpperCase() !== 'FILTERBY' || argv.length - 1 - i !== 2) throw new CommandError(Err.syntax);
      const kind = argv[i + 1]!.toUpperCase();
      const arg = argv[i + 2]!;
      if (kind === 'MODULE') filter = () => false; // no modules
      else if (kind === 'ACLCAT') filter = (spec) => aclCategories(spec).includes(arg.toLowerCase());
      else if (kind === 'PATTERN') filter = (spec) => stringMatch(arg, table.fullName(spec), true);
      else throw new CommandError(Err.syntax);
    }
    const names: string[] = [];
    for (const spec of allSpecs(table)) if (filter === null || filter(spec)) names.push(table.fullName(spec));
    client.reply.bulkArray(names);
  },
} as const satisfies CommandSpec;

const commandGetkeys = {
  name: 'getkeys',
  arity: -4,
  flags: ['loading', 'stale'],
  acl: ['connection'],
  group: 'server',
  summary: 'Extract keys given a full Redis command',
  since: '2.8.13',
  complexity: 'O(N) where N is the number of arguments to the command',
  handler(client, argv) {
    const args = argv.slice(2);
    const spec = getkeysTarget(client.server.table, args);
    const positions = getKeyPositions(spec, args);
    if (positions === null || positions.length === 0) {
      if (spec.flags.includes('no_mandatory_keys')) client.reply.arrayHeader(0);
      else throw new CommandError(Err.getkeysInvalidArgs);
      return;
    }
    client.reply.bulkArray(positions.map((p) => args[p]!));
  },
} as const satisfies CommandSpec;

const commandGetkeysandflags = {
  name: 'getkeysandflags',
  arity: -4,
  flags: ['loading', 'stale'],
  acl: ['connection'],
  group: 'server',
  summary: 'Extract keys and access flags given a full Redis command',
  since: '7.0.0',
  complexity: 'O(N) where N is the number of arguments to the command',
  handler(client, argv) {
    const args = argv.slice(2);
    const spec = getkeysTarget(client.server.table, args);
    const found: [string, string[]][] = [];
    let invalid = getKeyPositions(spec, args) === null;
    for (const ks of spec.keySpecs ?? []) {
      if (invalid) break;
      const one = getKeyPositions({ ...spec, keySpecs: [ks] }, args);
      if (one === null) invalid = true;
      else for (const p of one) found.push([args[p]!, keySpecFlagNames(ks)]);
    }
    if (invalid || found.length === 0) {
      if (spec.flags.includes('no_mandatory_keys')) client.reply.arrayHeader(0);
      else throw new CommandError(Err.getkeysInvalidArgs);
      return;
    }
    const r = client.reply;
    r.arrayHeader(found.length);
    for (const [key, flags] of found) {
      r.arrayHeader(2);
      r.bulk(key);
      statusSet(r, flags);
    }
  },
} as const satisfies CommandSpec;

const commandHelp = {
  name: 'help',
  arity: 2,
  flags: ['loading', 'stale'],
  acl: ['connection'],
  group: 'server',
  summary: 'Show helpful text about the different subcommands',
  since: '5.0.0',
  complexity: 'O(1)',
  handler(client) {
    replyHelp(client.reply, 'COMMAND', [
      '(no subcommand)',
      '    Return details about all Redis commands.',
      'COUNT',
      '    Return the total number of commands in this Redis server.',
      'LIST',
      '    Return a list of all commands in this Redis server.',
      'INFO [<command-name> ...]',
      '    Return details about multiple Redis commands.',
      '    If no command names are given, documentation details for all',
      '    commands are returned.',
      'DOCS [<command-name> ...]',
      '    Return documentation details about multiple Redis commands.',
      '    If no command names are given, documentation details for all',
      '    commands are returned.',
      'GETKEYS <full-command>',
      '    Return the keys from a full Redis command.',
      'GETKEYSANDFLAGS <full-command>',
      '    Return the keys and the access flags from a full Redis command.',
    ]);
  },
} as const satisfies CommandSpec;

export const command = {
  name: 'command',
  arity: -1,
  flags: ['loading', 'stale'],
  acl: ['connection'],
  group: 'server',
  summary: 'Get array of Redis command details',
  since: '2.8.13',
  complexity: 'O(N) where N is the total number of Redis commands',
  tips: ['nondeterministic_output_order'],
  subcommands: [commandCount, commandInfo, commandDocs, commandList, commandGetkeys, commandGetkeysandflags, commandHelp],
  handler(client) {
    // Only reached without a subcommand: every command's info
    const table = client.server.table;
    client.reply.arrayHeader(table.size);
    for (const spec of table.commands) writeCommandInfo(client.reply, table, spec);
  },
} as const satisfies CommandSpec;

export const serverCommands: readonly CommandSpec[] = [info, config, time, lastsave, debug, monitor, shutdown, command];
