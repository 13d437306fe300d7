import { readFileSync } from 'node:fs';
import { splitArgs } from './util/splitArgs.js';
import { NOTIFY_FLAGS_ERROR, formatNotifyFlags, parseNotifyFlags } from './notify/notifier.js';

/** How a setting's text becomes its value and back (CONFIG GET shows `format(value)`). */
type Kind =
  | { kind: 'bool' }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'memory'; max?: number }
  | { kind: 'string' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'custom'; parse: (s: string) => unknown; format: (v: any) => string };

export interface ConfigEntry {
  name: string;
  alias?: string[];
  type: Kind;
  default: string;
  /** CONFIG SET may change it while running. */
  mutable: boolean;
  doc: string;
}

export class ConfigError extends Error {}

/** Redis's memtoull: 1k = 1000, 1kb = 1024, up to gb; case-insensitive. */
export function parseMemory(s: string): number | null {
  const m = /^(-?\d+)(k|kb|m|mb|g|gb|b)?$/i.exec(s.trim());
  if (!m) return null;
  const mul: Record<string, number> = { '': 1, b: 1, k: 1e3, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };
  const n = Number(m[1]) * mul[(m[2] ?? '').toLowerCase()]!;
  return Number.isSafeInteger(n) ? n : null;
}

export interface OutputBufferLimit {
  hard: number;
  soft: number;
  softSeconds: number;
}
export type OutputBufferLimits = Record<'normal' | 'replica' | 'pubsub', OutputBufferLimit>;

function parseOutputBufferLimits(s: string, base?: OutputBufferLimits): OutputBufferLimits {
  const parts = s.trim().split(/\s+/);
  if (parts.length % 4 !== 0) throw new ConfigError('Wrong number of arguments in buffer limit configuration.');
  const out: OutputBufferLimits = structuredClone(
    base ?? {
      normal: { hard: 0, soft: 0, softSeconds: 0 },
      replica: { hard: 256 * 1024 * 1024, soft: 64 * 1024 * 1024, softSeconds: 60 },
      pubsub: { hard: 32 * 1024 * 1024, soft: 8 * 1024 * 1024, softSeconds: 60 },
    },
  );
  for (let i = 0; i < parts.length; i += 4) {
    let cls = parts[i]!.toLowerCase();
    if (cls === 'slave') cls = 'replica';
    if (cls !== 'normal' && cls !== 'replica' && cls !== 'pubsub') throw new ConfigError('Invalid client class specified in buffer limit configuration.');
    const hard = parseMemory(parts[i + 1]!), soft = parseMemory(parts[i + 2]!);
    const secs = Number(parts[i + 3]);
    if (hard === null || soft === null || !Number.isInteger(secs) || hard < 0 || soft < 0 || secs < 0) {
      throw new ConfigError('Error in hard, soft or soft_seconds setting in buffer limit configuration.');
    }
    out[cls] = { hard, soft, softSeconds: secs };
  }
  return out;
}

function parseNotifyKeyspaceEvents(s: string): string {
  if (parseNotifyFlags(s) === null) throw new ConfigError(NOTIFY_FLAGS_ERROR);
  return s;
}

const OBL_DEFAULT = 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60';

const bool = { kind: 'bool' } as const;
const str = { kind: 'string' } as const;
const mem = { kind: 'memory' } as const;
const int = (min: number, max: number) => ({ kind: 'int', min, max }) as const;
const oneOf = (...values: string[]) => ({ kind: 'enum', values }) as const;

/** Every setting, once: command-line flags, the config file and CONFIG GET/SET read this table. */
export const CONFIG_TABLE: readonly ConfigEntry[] = [
  { name: 'port', type: int(0, 65535), default: '6379', mutable: false, doc: 'TCP port (0: pick a free one)' },
  { name: 'bind', type: str, default: '127.0.0.1 -::1', mutable: false, doc: 'addresses to listen on (a leading - means optional)' },
  { name: 'databases', type: int(1, 1024), default: '16', mutable: false, doc: 'number of databases' },
  { name: 'maxclients', type: int(1, 1_000_000), default: '10000', mutable: true, doc: 'most clients connected at once' },
  { name: 'timeout', type: int(0, 2 ** 31 - 1), default: '0', mutable: true, doc: 'close idle clients after this many seconds (0: never)' },
  { name: 'tcp-keepalive', type: int(0, 2 ** 31 - 1), default: '300', mutable: true, doc: 'TCP keepalive seconds' },
  { name: 'tcp-backlog', type: int(0, 65535), default: '511', mutable: false, doc: 'listen backlog' },
  { name: 'hz', type: int(1, 500), default: '10', mutable: true, doc: 'background task frequency' },
  { name: 'proto-max-bulk-len', type: { kind: 'memory', max: 2 ** 53 }, default: '512mb', mutable: true, doc: 'largest bulk string a client may send' },
  { name: 'client-query-buffer-limit', type: mem, default: '1gb', mutable: true, doc: 'most unparsed input held for one client' },
  {
    name: 'client-output-buffer-limit',
    type: { kind: 'custom', parse: (s) => parseOutputBufferLimits(s), format: formatOutputBufferLimits },
    default: OBL_DEFAULT,
    mutable: true,
    doc: 'per class: hard limit, soft limit, soft seconds',
  },
  {
    name: 'notify-keyspace-events',
    // The text as given is kept (so 'n' survives "An"); CONFIG GET shows Redis's canonical letters.
    type: { kind: 'custom', parse: parseNotifyKeyspaceEvents, format: (v: string) => formatNotifyFlags(parseNotifyFlags(v)!) },
    default: '',
    mutable: true,
    doc: 'keyspace notification classes (Redis letters)',
  },
  { name: 'notify-sale-events', type: bool, default: 'yes', mutable: true, doc: 'publish flash-sale events on __sale@<db>__:<key>' },
  { name: 'requirepass', type: str, default: '', mutable: true, doc: 'password of the default user' },
  { name: 'protected-mode', type: bool, default: 'yes', mutable: true, doc: 'refuse non-loopback clients when no password is set' },
  { name: 'maxmemory', type: mem, default: '0', mutable: true, doc: 'memory limit for data (0: none)' },
  {
    name: 'maxmemory-policy',
    // Redis's order: CONFIG SET lists the values in its error text
    type: oneOf('volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'),
    default: 'noeviction',
    mutable: true,
    doc: 'what to evict at maxmemory',
  },
  { name: 'maxmemory-samples', type: int(1, 64), default: '5', mutable: true, doc: 'keys sampled per eviction' },
  { name: 'maxmemory-eviction-tenacity', type: int(0, 100), default: '10', mutable: true, doc: 'how long one eviction pass may run before the rest continues between clients (10: 500 µs; 100: unlimited)' },
  {
    name: 'maxmemory-clients',
    // Redis 7: bytes, or a percentage of maxmemory ("10%"); kept as given
    type: { kind: 'custom', parse: parseMemoryOrPercent, format: (v: string) => v },
    default: '0',
    mutable: true,
    doc: 'evict the clients using the most memory once all clients together use more (0: off); CLIENT NO-EVICT exempts one',
  },
  { name: 'lfu-log-factor', type: int(0, 2 ** 31 - 1), default: '10', mutable: true, doc: 'LFU counter logarithm factor' },
  { name: 'lfu-decay-time', type: int(0, 2 ** 31 - 1), default: '1', mutable: true, doc: 'LFU counter decay minutes' },
  { name: 'appendonly', type: bool, default: 'no', mutable: true, doc: 'append-only log persistence' },
  { name: 'appendfsync', type: oneOf('always', 'everysec', 'no'), default: 'everysec', mutable: true, doc: 'when the log is fsynced' },
  { name: 'appendfilename', type: str, default: 'appendonly.aof', mutable: false, doc: 'log file name' },
  { name: 'dir', type: str, default: '.', mutable: true, doc: 'working directory for data files' },
  { name: 'sale-fsync', type: oneOf('always', 'everysec'), default: 'always', mutable: true, doc: 'PURCHASE/CONFIRM/CANCEL/SALE.MARK reply after their record is fsynced (always) or follow appendfsync' },
  { name: 'aof-load-truncated', type: bool, default: 'yes', mutable: true, doc: 'load a log whose last record was cut (dropping it) instead of refusing to start' },
  { name: 'auto-aof-rewrite-percentage', type: int(0, 2 ** 31 - 1), default: '100', mutable: true, doc: 'rewrite the log when it grew by this percentage since the last rewrite (0: never)' },
  { name: 'auto-aof-rewrite-min-size', type: mem, default: '64mb', mutable: true, doc: 'no automatic rewrite below this log size' },
  { name: 'save', type: str, default: '', mutable: true, doc: 'RDB snapshot points (kept for compatibility; Holdfast persists through the log)' },
  { name: 'dbfilename', type: str, default: 'dump.rdb', mutable: true, doc: 'snapshot file name (compatibility)' },
  { name: 'loglevel', type: oneOf('debug', 'verbose', 'notice', 'warning', 'nothing'), default: 'notice', mutable: true, doc: 'log verbosity' },
  { name: 'logfile', type: str, default: '', mutable: false, doc: 'log file (empty: standard output)' },
  { name: 'daemonize', type: bool, default: 'no', mutable: false, doc: 'accepted for compatibility; Holdfast always runs in the foreground' },
  { name: 'pidfile', type: str, default: '', mutable: false, doc: 'write the process id here' },
  { name: 'hash-max-listpack-entries', alias: ['hash-max-ziplist-entries'], type: int(0, 2 ** 31 - 1), default: '512', mutable: true, doc: 'hash encoding threshold' },
  { name: 'hash-max-listpack-value', alias: ['hash-max-ziplist-value'], type: int(0, 2 ** 31 - 1), default: '64', mutable: true, doc: 'hash encoding threshold' },
  { name: 'list-max-listpack-size', alias: ['list-max-ziplist-size'], type: int(-(2 ** 31), 2 ** 31 - 1), default: '-2', mutable: true, doc: 'list encoding threshold' },
  { name: 'list-compress-depth', type: int(0, 2 ** 31 - 1), default: '0', mutable: true, doc: 'accepted for compatibility; lists are not compressed' },
  { name: 'set-max-intset-entries', type: int(0, 2 ** 31 - 1), default: '512', mutable: true, doc: 'set encoding threshold' },
  { name: 'zset-max-listpack-entries', alias: ['zset-max-ziplist-entries'], type: int(0, 2 ** 31 - 1), default: '128', mutable: true, doc: 'sorted set encoding threshold' },
  { name: 'zset-max-listpack-value', alias: ['zset-max-ziplist-value'], type: int(0, 2 ** 31 - 1), default: '64', mutable: true, doc: 'sorted set encoding threshold' },
  { name: 'lazyfree-lazy-user-flush', type: bool, default: 'no', mutable: true, doc: 'FLUSHALL/FLUSHDB default to ASYNC' },
  // Security and operations (src/acl, src/network/tls.ts, src/http, commands/observability.ts)
  { name: 'aclfile', type: str, default: '', mutable: false, doc: 'ACL users file (ACL LOAD / ACL SAVE)' },
  { name: 'acllog-max-len', type: int(0, 2 ** 53), default: '128', mutable: true, doc: 'entries kept by ACL LOG' },
  { name: 'acl-pubsub-default', type: oneOf('allchannels', 'resetchannels'), default: 'resetchannels', mutable: true, doc: 'channel permissions of new ACL users' },
  { name: 'tls-port', type: int(0, 65535), default: '0', mutable: false, doc: 'TLS port (0: no TLS listener)' },
  { name: 'tls-cert-file', type: str, default: '', mutable: false, doc: 'server certificate (PEM)' },
  { name: 'tls-key-file', type: str, default: '', mutable: false, doc: 'server private key (PEM)' },
  { name: 'tls-key-file-pass', type: str, default: '', mutable: false, doc: 'passphrase of the private key' },
  { name: 'tls-ca-cert-file', type: str, default: '', mutable: false, doc: 'CA certificates that sign client certificates (PEM)' },
  { name: 'tls-auth-clients', type: oneOf('yes', 'no', 'optional'), default: 'yes', mutable: false, doc: 'require (yes), accept (optional) or ignore (no) client certificates' },
  { name: 'tls-protocols', type: str, default: '', mutable: false, doc: "TLS versions, e.g. 'TLSv1.2 TLSv1.3' (empty: both)" },
  { name: 'http-port', type: int(0, 65535), default: '0', mutable: false, doc: 'HTTP side port for /health, /metrics, /get, /put (0: off)' },
  { name: 'http-bind', type: str, default: '127.0.0.1', mutable: false, doc: 'address of the HTTP side port' },
  { name: 'slowlog-log-slower-than', type: int(-1, 2 ** 53), default: '10000', mutable: true, doc: 'microseconds beyond which a command enters the slow log (-1: off, 0: all)' },
  { name: 'slowlog-max-len', type: int(0, 2 ** 53), default: '128', mutable: true, doc: 'entries kept by the slow log' },
  { name: 'latency-monitor-threshold', type: int(0, 2 ** 53), default: '0', mutable: true, doc: 'milliseconds beyond which LATENCY records an event (0: off)' },
  { name: 'latency-tracking', type: bool, default: 'yes', mutable: true, doc: 'per-command latency histograms (INFO latencystats, LATENCY HISTOGRAM, /metrics)' },
  {
    name: 'latency-tracking-info-percentiles',
    type: { kind: 'custom', parse: parsePercentiles, format: (v: number[]) => v.map(String).join(' ') },
    default: '50 99 99.9',
    mutable: true,
    doc: 'percentiles INFO latencystats shows',
  },
];

/** maxmemory-clients: a memory value or a percentage (Redis's error text). */
function parseMemoryOrPercent(s: string): string {
  const t = s.trim();
  if (/^\d+%$/.test(t)) return t;
  const n = parseMemory(t);
  if (n === null || n < 0) throw new ConfigError('argument must be a memory or percent value');
  return String(n);
}

/** latency-tracking-info-percentiles: numbers from 0 to 100 (Redis's error text). */
function parsePercentiles(s: string): number[] {
  const words = s.trim() === '' ? [] : s.trim().split(/\s+/);
  return words.map((w) => {
    const n = Number(w);
    if (w === '' || !Number.isFinite(n) || n < 0 || n > 100) throw new ConfigError('latency-tracking-info-percentiles parameters should sit between [0.0,100.0]');
    return n;
  });
}

function formatOutputBufferLimits(v: OutputBufferLimits): string {
  const f = (c: OutputBufferLimit) => `${c.hard} ${c.soft} ${c.softSeconds}`;
  return `normal ${f(v.normal)} slave ${f(v.replica)} pubsub ${f(v.pubsub)}`;
}

/** Repeatable directives kept apart from the settings (Config.directives). */
const DIRECTIVES = new Set(['user', 'rename-command']);

const BY_NAME = new Map<string, ConfigEntry>();
for (const e of CONFIG_TABLE) {
  BY_NAME.set(e.name, e);
  for (const a of e.alias ?? []) BY_NAME.set(a, e);
}

export function findConfig(name: string): ConfigEntry | undefined {
  return BY_NAME.get(name.toLowerCase());
}

function parseValue(e: ConfigEntry, text: string): unknown {
  const t = e.type;
  switch (t.kind) {
    case 'bool': {
      const s = text.toLowerCase();
      if (s === 'yes') return true;
      if (s === 'no') return false;
      throw new ConfigError('argument must be \'yes\' or \'no\'');
    }
    case 'int': {
      if (!/^-?\d+$/.test(text)) throw new ConfigError('argument couldn\'t be parsed into an integer');
      const n = Number(text);
      if (n < t.min || n > t.max) throw new ConfigError(`argument must be between ${t.min} and ${t.max} inclusive`);
      return n;
    }
    case 'memory': {
      const n = parseMemory(text);
      if (n === null) throw new ConfigError('argument must be a memory value');
      if (n < 0 || (t.max !== undefined && n > t.max)) throw new ConfigError('argument must be a memory value');
      return n;
    }
    case 'string':
      return text;
    case 'enum': {
      const s = text.toLowerCase();
      if (!t.values.includes(s)) throw new ConfigError(`argument(s) must be one of the following: ${t.values.join(', ')}`);
      return s;
    }
    case 'custom':
      return t.parse(text);
  }
}

function formatValue(e: ConfigEntry, v: unknown): string {
  const t = e.type;
  switch (t.kind) {
    case 'bool':
      return v ? 'yes' : 'no';
    case 'custom':
      return t.format(v);
    default:
      return String(v);
  }
}

export type ConfigListener = (name: string, value: unknown) => void;

/** Current settings. Values are typed (numbers for memory and ints, booleans for yes/no). */
export class Config {
  private values = new Map<string, unknown>();
  private listeners: ConfigListener[] = [];
  /** The config file given at start (CONFIG REWRITE writes it back). */
  file: string | null = null;
  /**
   * Directives that may appear many times and are not settings (CONFIG GET does not show
   * them): `user <name> <rules...>` and `rename-command <name> <new-name>`, in order.
   */
  readonly directives: [name: string, args: string[]][] = [];

  constructor() {
    for (const e of CONFIG_TABLE) this.values.set(e.name, parseValue(e, e.default));
  }

  get<T = unknown>(name: string): T {
    const e = findConfig(name);
    if (!e) throw new Error(`unknown config ${name}`);
    return this.values.get(e.name) as T;
  }
  num(name: string): number {
    return this.get<number>(name);
  }
  bool(name: string): boolean {
    return this.get<boolean>(name);
  }
  str(name: string): string {
    return this.get<string>(name);
  }

  /** Sets from text, validating; throws ConfigError with Redis's reason text. */
  setText(name: string, text: string, atStartup = false): void {
    const e = findConfig(name);
    if (!e) throw new ConfigError(`Unknown option or number of arguments for CONFIG SET - '${name}'`);
    if (!atStartup && !e.mutable) throw new ConfigError('can\'t set immutable config');
    const v = parseValue(e, text);
    this.values.set(e.name, v);
    for (const l of this.listeners) l(e.name, v);
  }

  /**
   * CONFIG SET with several pairs: all validated first, then applied, so a bad one
   * leaves every setting as it was (Redis 7).
   */
  setMany(pairs: [string, string][]): void {
    const parsed: [ConfigEntry, unknown][] = [];
    for (const [name, text] of pairs) {
      const e = findConfig(name);
      if (!e) throw new ConfigError(`Unknown option or number of arguments for CONFIG SET - '${name}'`);
      if (!e.mutable) throw new ConfigError(`CONFIG SET failed (possibly related to argument '${name}') - can't set immutable config`);
      try {
        parsed.push([e, parseValue(e, text)]);
      } catch (err) {
        throw new ConfigError(`CONFIG SET failed (possibly related to argument '${name}') - ${(err as Error).message}`);
      }
    }
    for (const [e, v] of parsed) {
      this.values.set(e.name, v);
      for (const l of this.listeners) l(e.name, v);
    }
  }

  format(name: string): string {
    const e = findConfig(name)!;
    return formatValue(e, this.values.get(e.name));
  }

  onChange(l: ConfigListener): void {
    this.listeners.push(l);
  }

  /** Loads a redis.conf-style file: one "name value..." per line, # comments. */
  loadFile(path: string): void {
    this.file = path;
    const text = readFileSync(path, 'latin1');
    let lineNo = 0;
    for (const raw of text.split('\n')) {
      lineNo++;
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const args = splitArgs(line);
      if (args === null || args.length === 0) throw new ConfigError(`${path}:${lineNo}: unbalanced quotes`);
      if (DIRECTIVES.has(args[0]!.toLowerCase())) {
        this.directives.push([args[0]!.toLowerCase(), args.slice(1)]);
        continue;
      }
      try {
        this.setText(args[0]!, args.slice(1).join(' '), true);
      } catch (err) {
        throw new ConfigError(`${path}:${lineNo}: '${line}': ${(err as Error).message}`);
      }
    }
  }

  /** Applies `--name value ...` flags (a value may span several words until the next --). */
  applyArgs(args: readonly string[]): void {
    let i = 0;
    if (args[0] !== undefined && !args[0].startsWith('--')) {
      this.loadFile(args[0]);
      i = 1;
    }
    while (i < args.length) {
      const flag = args[i]!;
      if (!flag.startsWith('--')) throw new ConfigError(`unexpected argument '${flag}'`);
      const words: string[] = [];
      i++;
      while (i < args.length && !args[i]!.startsWith('--')) words.push(args[i++]!);
      if (DIRECTIVES.has(flag.slice(2).toLowerCase())) {
        this.directives.push([flag.slice(2).toLowerCase(), words]);
        continue;
      }
      this.setText(flag.slice(2), words.join(' '), true);
    }
  }

  /** Names matching a CONFIG GET pattern, canonical names first. */
  entries(): readonly ConfigEntry[] {
    return CONFIG_TABLE;
  }
}
