import type { Client } from '../network/client.js';

/** Redis's command flags, as COMMAND INFO reports them. */
export type CommandFlag =
  | 'write' | 'readonly' | 'denyoom' | 'module' | 'admin' | 'pubsub' | 'noscript' | 'blocking'
  | 'loading' | 'stale' | 'skip_monitor' | 'skip_slowlog' | 'asking' | 'fast' | 'no_auth'
  | 'may_replicate' | 'no_mandatory_keys' | 'no_async_loading' | 'no_multi' | 'movablekeys'
  | 'allow_busy' | 'sentinel' | 'only_sentinel';

/** Redis's command groups (COMMAND DOCS "group"), which also name the ACL categories. */
export type CommandGroup =
  | 'generic' | 'string' | 'list' | 'set' | 'sorted_set' | 'hash' | 'pubsub' | 'transactions'
  | 'connection' | 'server' | 'scripting' | 'hyperloglog' | 'cluster' | 'sentinel' | 'geo'
  | 'stream' | 'bitmap' | 'sale';

export type KeySpecFlag =
  | 'RO' | 'RW' | 'OW' | 'RM' | 'ACCESS' | 'UPDATE' | 'INSERT' | 'DELETE' | 'NOT_KEY'
  | 'INCOMPLETE' | 'VARIABLE_FLAGS';

/**
 * Where a command's keys are (Redis 7 key specs): begin at an index (or after a keyword),
 * then take a range or a counted list.
 */
export interface KeySpec {
  /** COMMAND INFO "notes" (why the flags are what they are, e.g. SET's optional GET). */
  notes?: string;
  flags: readonly KeySpecFlag[];
  beginSearch: { index: number } | { keyword: string; startFrom: number };
  findKeys:
    | { range: { lastKey: number; step: number; limit: number } }
    | { keynum: { keynumIdx: number; firstKey: number; step: number } };
}

export type ArgType =
  | 'string' | 'integer' | 'double' | 'key' | 'pattern' | 'unix-time' | 'pure-token' | 'oneof' | 'block';

/** One argument as COMMAND DOCS describes it (redis-cli builds its hints from these). */
export interface ArgSpec {
  name: string;
  type: ArgType;
  token?: string;
  optional?: boolean;
  multiple?: boolean;
  multipleToken?: boolean;
  keySpecIndex?: number;
  since?: string;
  /** COMMAND DOCS "deprecated_since" (e.g. CLIENT KILL's old ip:port form). */
  deprecatedSince?: string;
  displayText?: string;
  arguments?: readonly ArgSpec[];
}

export type CommandHandler = (client: Client, argv: string[]) => void;

/**
 * One command, declared once. Dispatch (lookup, arity, flag gates), COMMAND INFO/DOCS/
 * GETKEYS, ACL categories and cluster routing all read this object.
 */
export interface CommandSpec {
  /** Lower case, as COMMAND reports it; for a subcommand just the subcommand ("get"). */
  name: string;
  /** Redis's convention: n = exactly n arguments (name included), -n = at least n. */
  arity: number;
  flags: readonly CommandFlag[];
  /**
   * ACL categories beyond those derived from flags and group (e.g. 'dangerous'); a leading
   * '-' drops a derived one (Redis: WAIT and SORT are generic but not @keyspace).
   */
  acl?: readonly string[];
  keySpecs?: readonly KeySpec[];
  group: CommandGroup;
  summary: string;
  since: string;
  complexity?: string;
  /** COMMAND DOCS "history": [version, change] pairs. */
  history?: readonly (readonly [string, string])[];
  /** COMMAND DOCS "doc_flags". */
  docFlags?: readonly ('deprecated' | 'syscmd')[];
  deprecatedSince?: string;
  replacedBy?: string;
  arguments?: readonly ArgSpec[];
  /** Hints for clients and proxies (COMMAND INFO "tips"). */
  tips?: readonly string[];
  subcommands?: readonly CommandSpec[];
  handler?: CommandHandler;
}
