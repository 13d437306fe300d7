import type { CommandFlag, CommandSpec, KeySpec } from './commandSpec.js';
import { parseStrictInt } from '../util/numbers.js';

/** Redis's legacy (first, last, step) triple, derived from the key specs. */
export interface LegacyKeyRange {
  firstKey: number;
  lastKey: number;
  step: number;
}

/** Commands a RESP2 client in subscribed mode may run (Redis's processCommand). */
const SUBSCRIBED_MODE_ALLOWED = new Set(['subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'ping', 'quit', 'reset']);
/** Commands run immediately inside MULTI instead of being queued. */
const MULTI_IMMEDIATE = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/**
 * A command (or subcommand) as the dispatcher sees it on every call: the declaration plus
 * what dispatch derives from it, computed once here (the full name for stats and errors,
 * the flags its gates test) so that a call costs property loads, not Map lookups and flag
 * array scans. Found by name with CommandTable.lookupEntry. The MULTI and subscribed-mode
 * gates test the top-level command, as Redis tests the command's proc.
 */
export class CommandEntry {
  /** "get", or "config|get" for a subcommand. */
  readonly fullName: string;
  /** A small integer unique within the table (the dispatcher's stats slot). */
  readonly index: number;
  readonly noAuth: boolean;
  readonly allowedWhileLoading: boolean;
  readonly write: boolean;
  readonly noMulti: boolean;
  readonly subscribedModeAllowed: boolean;
  readonly multiImmediate: boolean;
  /** Subcommands by lower-case name, or null for a command without any. */
  subcommands: Map<string, CommandEntry> | null = null;

  constructor(
    readonly spec: CommandSpec,
    parent: CommandSpec | undefined,
    index: number,
  ) {
    this.fullName = parent !== undefined ? `${parent.name}|${spec.name}` : spec.name;
    this.index = index;
    this.noAuth = spec.flags.includes('no_auth');
    this.allowedWhileLoading = spec.flags.includes('loading');
    this.write = spec.flags.includes('write');
    this.noMulti = spec.flags.includes('no_multi');
    // Redis tests the command's proc: a subcommand (SLOWLOG RESET) is never RESET itself
    const command = parent !== undefined ? parent.name : spec.name;
    this.subscribedModeAllowed = SUBSCRIBED_MODE_ALLOWED.has(command);
    this.multiImmediate = MULTI_IMMEDIATE.has(command);
  }
}

/**
 * All commands by name. Lookup accepts any case: the exact lower and upper case names are
 * indexed directly, so the common clients (which send "GET" or "get") never lower-case.
 */
export class CommandTable {
  readonly commands: CommandSpec[] = [];
  private readonly byName = new Map<string, CommandEntry>();
  private readonly entries = new Map<CommandSpec, CommandEntry>();
  private readonly parents = new Map<CommandSpec, CommandSpec>();

  constructor(specs: Iterable<CommandSpec> = []) {
    for (const s of specs) this.register(s);
  }

  register(spec: CommandSpec): void {
    if (this.byName.has(spec.name)) throw new Error(`command ${spec.name} declared twice`);
    this.commands.push(spec);
    const entry = this.addEntry(spec, undefined);
    this.byName.set(spec.name, entry);
    this.byName.set(spec.name.toUpperCase(), entry);
    if (spec.subcommands) {
      const subs = new Map<string, CommandEntry>();
      for (const sub of spec.subcommands) {
        subs.set(sub.name, this.addEntry(sub, spec));
        this.parents.set(sub, spec);
      }
      entry.subcommands = subs;
    }
  }

  private addEntry(spec: CommandSpec, parent: CommandSpec | undefined): CommandEntry {
    const entry = new CommandEntry(spec, parent, this.entries.size);
    this.entries.set(spec, entry);
    return entry;
  }

  /** Number of entries (commands and subcommands): CommandEntry.index is below it. */
  get entryCount(): number {
    return this.entries.size;
  }

  /**
   * rename-command: the command answers to `newName` only ('' disables it). Its declaration
   * keeps its name, so COMMAND INFO, stats and ACL rules still use the original (as Redis).
   */
  rename(spec: CommandSpec, newName: string): void {
    this.lastName = '';
    this.lastEntry = undefined;
    const entry = this.entries.get(spec);
    for (const [name, e] of [...this.byName]) if (e.spec === spec) this.byName.delete(name);
    if (newName !== '' && entry !== undefined) {
      this.byName.set(newName.toLowerCase(), entry);
      this.byName.set(newName.toUpperCase(), entry);
    }
  }

  /**
   * The names lookup() finds without lower-casing, as the very strings it keys on: a parser
   * that hands these back (src/network's NameInterner) makes the lookup a pointer match.
   */
  names(): IterableIterator<string> {
    return this.byName.keys();
  }

  lookup(name: string): CommandSpec | undefined {
    return this.lookupEntry(name)?.spec;
  }

  /** The name lookupEntry found last, and its entry: pipelines mostly repeat one command. */
  private lastName = '';
  private lastEntry: CommandEntry | undefined = undefined;

  /** The command a client names, in any case, with what dispatch derives from it. */
  lookupEntry(name: string): CommandEntry | undefined {
    // Names from the parser's NameInterner are the very strings of the last lookup, so this
    // is mostly a pointer compare, where the Map lookup was 2-4% of a GET's server CPU.
    if (this.lastEntry !== undefined && name === this.lastName) return this.lastEntry;
    const entry = this.byName.get(name) ?? this.byName.get(name.toLowerCase());
    if (entry !== undefined) {
      this.lastName = name;
      this.lastEntry = entry;
    }
    return entry;
  }

  subcommand(parent: CommandSpec, name: string): CommandSpec | undefined {
    return this.entries.get(parent)?.subcommands?.get(name.toLowerCase())?.spec;
  }

  /** The entry of a declared command or subcommand (undefined for one not in this table). */
  entryOf(spec: CommandSpec): CommandEntry | undefined {
    return this.entries.get(spec);
  }

  parentOf(spec: CommandSpec): CommandSpec | undefined {
    return this.parents.get(spec);
  }

  /** "get", or "config|get" for a subcommand: the name Redis uses in errors and stats. */
  fullName(spec: CommandSpec): string {
    return this.entries.get(spec)?.fullName ?? spec.name;
  }

  /** Resolves argv to the command or subcommand it names (undefined when unknown). */
  resolve(argv: readonly string[]): CommandSpec | undefined {
    const spec = this.lookup(argv[0]!);
    if (spec?.subcommands && argv.length >= 2) return this.subcommand(spec, argv[1]!) ?? undefined;
    return spec;
  }

  get size(): number {
    return this.commands.length;
  }
}

export function isMovableKeys(spec: CommandSpec): boolean {
  return (spec.keySpecs ?? []).some(
    (ks) => !('index' in ks.beginSearch) || !('range' in ks.findKeys) || ks.findKeys.range.limit > 1,
  );
}

/** Flags as COMMAND INFO lists them: the declared ones plus the derived movablekeys. */
export function reportedFlags(spec: CommandSpec): CommandFlag[] {
  const flags = [...spec.flags];
  if (isMovableKeys(spec) && !flags.includes('movablekeys')) flags.push('movablekeys');
  return flags;
}

/** Redis's populateCommandLegacyRangeSpec. */
export function legacyKeyRange(spec: CommandSpec): LegacyKeyRange {
  let firstKey = 0, lastKey = 0, step = 0;
  let prevLast = 0;
  for (const ks of spec.keySpecs ?? []) {
    if (!('index' in ks.beginSearch) || !('range' in ks.findKeys) || ks.findKeys.range.limit > 1) continue;
    const begin = ks.beginSearch.index;
    const r = ks.findKeys.range;
    const last = r.lastKey < 0 ? r.lastKey : begin + r.lastKey;
    if (firstKey === 0) {
      firstKey = begin;
      lastKey = last;
      step = r.step;
      prevLast = last;
      continue;
    }
    // Only a spec that continues the run (same step, next position) extends it.
    if (r.step === step && prevLast >= 0 && begin === prevLast + step) {
      lastKey = last;
      prevLast = last;
    }
  }
  return { firstKey, lastKey, step };
}

/** Positions of the keys in argv, from the key specs (COMMAND GETKEYS, cluster routing, ACL). */
export function getKeyPositions(spec: CommandSpec, argv: readonly string[]): number[] | null {
  const out: number[] = [];
  const argc = argv.length;
  for (const ks of spec.keySpecs ?? []) {
    if (ks.flags.includes('NOT_KEY')) continue;
    let first: number;
    const bs = ks.beginSearch;
    if ('index' in bs) {
      first = bs.index;
    } else {
      const kw = bs.keyword.toUpperCase();
      let found = -1;
      if (bs.startFrom >= 0) {
        for (let i = bs.startFrom; i < argc; i++) if (argv[i]!.toUpperCase() === kw) { found = i; break; }
      } else {
        for (let i = argc + bs.startFrom; i > 0; i--) if (argv[i]!.toUpperCase() === kw) { found = i; break; }
      }
      if (found === -1) continue;
      first = found + 1;
    }
    if (first >= argc) continue;
    const fk = ks.findKeys;
    if ('range' in fk) {
      let last = fk.range.lastKey >= 0 ? first + fk.range.lastKey : argc + fk.range.lastKey;
      if (fk.range.lastKey < 0 && fk.range.limit > 1) last = first + Math.floor((last - first) / fk.range.limit);
      if (last >= argc) last = argc - 1;
      for (let i = first; i <= last; i += fk.range.step) out.push(i);
    } else {
      const n = parseStrictInt(argv[first + fk.keynum.keynumIdx] ?? '');
      if (n === null || n < 0) return null;
      const start = first + fk.keynum.firstKey;
      for (let k = 0; k < n; k++) {
        const pos = start + k * fk.keynum.step;
        if (pos >= argc) return null;
        out.push(pos);
      }
    }
  }
  return out;
}

/** Key spec helpers for declarations. */
export const keys = {
  /** One key at `index`. */
  one(index: number, flags: KeySpec['flags']): KeySpec {
    return { flags, beginSearch: { index }, findKeys: { range: { lastKey: 0, step: 1, limit: 0 } } };
  },
  /** Keys from `index` to the end (lastKey -1), every `step`. */
  rest(index: number, flags: KeySpec['flags'], step = 1): KeySpec {
    return { flags, beginSearch: { index }, findKeys: { range: { lastKey: -1, step, limit: 0 } } };
  },
  /** A count at `index`, then that many keys. */
  counted(index: number, flags: KeySpec['flags']): KeySpec {
    return { flags, beginSearch: { index }, findKeys: { keynum: { keynumIdx: 0, firstKey: 1, step: 1 } } };
  },
};
