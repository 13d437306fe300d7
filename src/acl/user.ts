import { createHash } from 'node:crypto';
import type { CommandSpec } from '../dispatch/commandSpec.js';
import { splitArgs } from '../util/splitArgs.js';
import { ACL_CATEGORIES, categoryIndex } from './categories.js';

/** Key pattern permissions (Redis's ACL_READ_PERMISSION / ACL_WRITE_PERMISSION). */
export const KEY_READ = 1;
export const KEY_WRITE = 2;
export const KEY_ALL = KEY_READ | KEY_WRITE;

export interface KeyPattern {
  flags: number;
  pattern: string;
}

/**
 * Every command and subcommand with a small integer id (Redis's ACLGetCommandID), so a
 * selector's permissions are a byte per id. The last id is reserved: only +@all sets it,
 * which is how ACL LIST knows to start a description from +@all (future commands) or -@all.
 */
export class AclCommandIndex {
  readonly ids = new Map<CommandSpec, number>();
  readonly specs: CommandSpec[] = [];
  /** Category bitmask per id (bit i = ACL_CATEGORIES[i]). */
  readonly categories: number[] = [];
  readonly subcommandIds: (number[] | null)[] = [];
  readonly parentId: number[] = [];
  readonly fullNames: string[] = [];
  /** Top-level commands in table order; ACL CAT and rule descriptions walk them with their subcommands. */
  readonly topLevel: number[] = [];
  private readonly byFullName = new Map<string, number>();

  constructor(commands: readonly CommandSpec[], categoriesOf: (spec: CommandSpec) => readonly string[]) {
    const add = (spec: CommandSpec, parent: number): number => {
      const id = this.specs.length;
      this.ids.set(spec, id);
      this.specs.push(spec);
      let mask = 0;
      for (const c of categoriesOf(spec)) {
        const i = categoryIndex(c);
        if (i >= 0) mask |= 1 << i;
      }
      this.categories.push(mask);
      this.parentId.push(parent);
      const full = parent === -1 ? spec.name : `${this.specs[parent]!.name}|${spec.name}`;
      this.fullNames.push(full);
      this.byFullName.set(full, id);
      this.subcommandIds.push(null);
      return id;
    };
    for (const spec of commands) {
      const id = add(spec, -1);
      this.topLevel.push(id);
      if (spec.subcommands !== undefined) {
        const subs: number[] = [];
        for (const sub of spec.subcommands) subs.push(add(sub, id));
        this.subcommandIds[id] = subs;
      }
    }
  }

  /** Bitmap length: every id plus the reserved "future commands" id. */
  get size(): number {
    return this.specs.length + 1;
  }
  get futureId(): number {
    return this.specs.length;
  }

  /** "get" or "config|get" (any case), by the commands' original names: renames do not change ACLs. */
  lookup(fullName: string): number | undefined {
    return this.byFullName.get(fullName.toLowerCase());
  }
}

/** Why ACLSetUser refused an operation (Redis's errno values, ACLSetUserStringError texts). */
export const RULE_ERRORS = {
  unknown: 'Unknown command or category name in ACL',
  syntax: 'Syntax error',
  keysAfterAll:
    "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns",
  channelsAfterAll:
    "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels",
  noSuchPassword: 'The password you are trying to remove from the user does not exist',
  badHash: 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters',
  duplicateUser: 'Duplicate user found. A user can only be defined once in config files',
  firstArgOfSubcommand: 'Allowing first-arg of a subcommand is not supported',
} as const;

export class RuleError extends Error {}

/** Redis's ACLStringHasSpaces: usernames and patterns have no blanks or NULs. */
export function hasSpaces(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0 || c === 0x20 || (c >= 0x09 && c <= 0x0d)) return true;
  }
  return false;
}

/** Redis's ACLHashPassword: SHA-256 of the bytes (latin1: one char per byte), lower-case hex. */
export function hashPassword(password: string): string {
  return createHash('sha256').update(Buffer.from(password, 'latin1')).digest('hex');
}

function isPasswordHash(s: string): boolean {
  return /^[0-9a-f]{64}$/.test(s);
}

/**
 * What one set of rules allows: commands (a byte per command id), key patterns with
 * read/write flags, channel patterns. Every user has a root selector; `(...)` rules add
 * more, and a command is allowed when any selector allows all of it (Redis 7 selectors).
 */
export class Selector {
  allKeys = false;
  allChannels = false;
  allCommands = false;
  allowed: Uint8Array;
  /** +select|0: first arguments allowed for an otherwise denied command (by id). */
  firstArgs: Map<number, string[]> | null = null;
  keyPatterns: KeyPattern[] = [];
  channels: string[] = [];

  constructor(
    readonly index: AclCommandIndex,
    readonly root: boolean,
    pubsubDefaultAll: boolean,
  ) {
    this.allowed = new Uint8Array(index.size);
    this.allChannels = pubsubDefaultAll;
  }

  clone(): Selector {
    const s = new Selector(this.index, this.root, this.allChannels);
    s.allKeys = this.allKeys;
    s.allCommands = this.allCommands;
    s.allowed.set(this.allowed);
    if (this.firstArgs !== null) s.firstArgs = new Map([...this.firstArgs].map(([k, v]) => [k, [...v]]));
    s.keyPatterns = this.keyPatterns.map((p) => ({ ...p }));
    s.channels = [...this.channels];
    return s;
  }

  /** Allows everything (the default user's root selector, in its default state). */
  get unrestricted(): boolean {
    return this.allCommands && this.allKeys && this.allChannels;
  }

  private setBit(id: number, allow: boolean): void {
    this.allowed[id] = allow ? 1 : 0;
    if (!allow) this.allCommands = false;
  }

  /** Redis's ACLChangeSelectorPerm: a container's rule covers its subcommands. */
  changePerm(id: number, allow: boolean): void {
    this.setBit(id, allow);
    this.firstArgs?.delete(id);
    const subs = this.index.subcommandIds[id];
    if (subs !== null && subs !== undefined) for (const sub of subs) this.setBit(sub, allow);
  }

  /** Redis's ACLSetSelectorCommandBitsForCategory. */
  changeCategory(category: number, allow: boolean): void {
    const bit = 1 << category;
    const index = this.index;
    for (const id of index.topLevel) {
      if (index.categories[id]! & bit) this.changePerm(id, allow);
      const subs = index.subcommandIds[id];
      if (subs !== null && subs !== undefined) {
        for (const sub of subs) if (index.categories[sub]! & bit) this.changePerm(sub, allow);
      }
    }
  }

  /** Redis's ACLSetSelector: one rule about commands, keys or channels. Throws RuleError. */
  apply(op: string): void {
    const lower = op.toLowerCase();
    if (lower === 'allkeys' || op === '~*') {
      this.allKeys = true;
      this.keyPatterns = [];
    } else if (lower === 'resetkeys') {
      this.allKeys = false;
      this.keyPatterns = [];
    } else if (lower === 'allchannels' || op === '&*') {
      this.allChannels = true;
      this.channels = [];
    } else if (lower === 'resetchannels') {
      this.allChannels = false;
      this.channels = [];
    } else if (lower === 'allcommands' || lower === '+@all') {
      this.allowed.fill(1);
      this.allCommands = true;
      this.firstArgs = null;
    } else if (lower === 'nocommands' || lower === '-@all') {
      this.allowed.fill(0);
      this.allCommands = false;
      this.firstArgs = null;
    } else if (op[0] === '~' || op[0] === '%') {
      this.addKeyPattern(op);
    } else if (op[0] === '&') {
      if (this.allChannels) throw new RuleError(RULE_ERRORS.channelsAfterAll);
      const pattern = op.slice(1);
      if (hasSpaces(pattern)) throw new RuleError(RULE_ERRORS.syntax);
      if (!this.channels.includes(pattern)) this.channels.push(pattern);
      this.allChannels = false;
    } else if (op[0] === '+' && op[1] !== '@') {
      this.allowCommand(op.slice(1));
    } else if (op[0] === '-' && op[1] !== '@') {
      const id = this.index.lookup(op.slice(1));
      if (id === undefined) throw new RuleError(RULE_ERRORS.unknown);
      this.changePerm(id, false);
    } else if ((op[0] === '+' || op[0] === '-') && op[1] === '@') {
      const cat = categoryIndex(op.slice(2));
      if (cat < 0) throw new RuleError(RULE_ERRORS.unknown);
      this.changeCategory(cat, op[0] === '+');
    } else {
      throw new RuleError(RULE_ERRORS.syntax);
    }
  }

  private addKeyPattern(op: string): void {
    if (this.allKeys) throw new RuleError(RULE_ERRORS.keysAfterAll);
    let flags = 0;
    let offset = 1;
    if (op[0] === '%') {
      // Redis: %R~, %W~, %RW~ (each letter once, any case), then the pattern
      for (; offset < op.length; offset++) {
        const c = op[offset]!.toUpperCase();
        if (c === 'R' && !(flags & KEY_READ)) flags |= KEY_READ;
        else if (c === 'W' && !(flags & KEY_WRITE)) flags |= KEY_WRITE;
        else if (op[offset] === '~') {
          offset++;
          break;
        } else throw new RuleError(RULE_ERRORS.syntax);
      }
    } else {
      flags = KEY_ALL;
    }
    const pattern = op.slice(offset);
    if (hasSpaces(pattern)) throw new RuleError(RULE_ERRORS.syntax);
    const existing = this.keyPatterns.find((p) => p.pattern === pattern);
    if (existing === undefined) this.keyPatterns.push({ flags, pattern });
    else existing.flags |= flags;
    this.allKeys = false;
  }

  private allowCommand(name: string): void {
    const bar = name.lastIndexOf('|');
    if (bar === -1) {
      const id = this.index.lookup(name);
      if (id === undefined) throw new RuleError(RULE_ERRORS.unknown);
      this.changePerm(id, true);
      return;
    }
    const parentName = name.slice(0, bar);
    const sub = name.slice(bar + 1);
    const id = this.index.lookup(parentName);
    if (id === undefined) throw new RuleError(RULE_ERRORS.unknown);
    if (this.index.parentId[id] !== -1) throw new RuleError(RULE_ERRORS.firstArgOfSubcommand);
    if (sub === '') throw new RuleError(RULE_ERRORS.syntax);
    if (this.index.subcommandIds[id] !== null) {
      const subId = this.index.lookup(name);
      if (subId === undefined) throw new RuleError(RULE_ERRORS.unknown);
      this.changePerm(subId, true);
      return;
    }
    // Redis: +select|0 allows one first argument of a command that has no subcommands
    if (this.firstArgs === null) this.firstArgs = new Map();
    const list = this.firstArgs.get(id) ?? [];
    if (!list.some((a) => a.toLowerCase() === sub.toLowerCase())) list.push(sub);
    this.firstArgs.set(id, list);
  }

  /** How many commands of a category this selector allows and denies (ACLCountCategoryBitsForSelector). */
  private countCategory(allowed: Uint8Array, category: number): [on: number, off: number] {
    const bit = 1 << category;
    let on = 0, off = 0;
    const cats = this.index.categories;
    for (let id = 0; id < cats.length; id++) {
      if (cats[id]! & bit) {
        if (allowed[id]) on++;
        else off++;
      }
    }
    return [on, off];
  }

  /**
   * Redis's ACLDescribeSelectorCommandRules: +@all or -@all, then the categories that fit
   * best, then single commands until a fresh selector given these rules has exactly this
   * bitmap. Commands are walked in table order (Redis walks its hash table).
   */
  describeCommands(): string {
    const index = this.index;
    const additive = this.allowed[index.futureId] === 0;
    const fake = new Selector(index, false, false);
    const rules: string[] = [];
    rules.push(additive ? '-@all' : '+@all');
    fake.apply(rules[0]!);
    const temp = new Uint8Array(this.allowed);
    const tempSelector = new Selector(index, false, false);
    tempSelector.allowed = temp;
    const applied = new Set<number>();
    for (;;) {
      let best = -1;
      let minDiff = Number.MAX_SAFE_INTEGER, maxSame = 0;
      for (let j = 0; j < ACL_CATEGORIES.length; j++) {
        if (applied.has(j)) continue;
        const [on, off] = this.countCategory(temp, j);
        const diff = additive ? off : on;
        const same = additive ? on : off;
        if (same > diff && (diff < minDiff || (diff === minDiff && same > maxSame))) {
          best = j;
          minDiff = diff;
          maxSame = same;
        }
      }
      if (best === -1) break;
      const name = ACL_CATEGORIES[best]!;
      rules.push(`${additive ? '+' : '-'}@${name}`);
      fake.changeCategory(best, additive);
      tempSelector.changeCategory(best, !additive);
      applied.add(best);
    }
    for (const id of index.topLevel) {
      this.describeSingle(id, fake, rules);
      const subs = index.subcommandIds[id];
      if (subs !== null && subs !== undefined) for (const sub of subs) this.describeSingle(sub, fake, rules);
    }
    return rules.join(' ');
  }

  private describeSingle(id: number, fake: Selector, rules: string[]): void {
    const userBit = this.allowed[id]!;
    if (userBit !== fake.allowed[id]) {
      rules.push(`${userBit ? '+' : '-'}${this.index.fullNames[id]}`);
      fake.changePerm(id, userBit === 1);
    }
    const first = this.firstArgs?.get(id);
    if (userBit === 0 && first !== undefined) for (const a of first) rules.push(`+${this.index.fullNames[id]}|${a}`);
  }

  /** Key patterns as ACL LIST writes them (~p, %R~p, %W~p). */
  describeKeys(): string[] {
    if (this.allKeys) return ['~*'];
    return this.keyPatterns.map((p) => (p.flags === KEY_ALL ? '~' : p.flags === KEY_READ ? '%R~' : '%W~') + p.pattern);
  }

  /** Redis's ACLDescribeSelector: keys, channels, commands. */
  describe(): string {
    const parts = this.describeKeys();
    if (this.allChannels) parts.push('&*');
    else {
      parts.push('resetchannels');
      for (const c of this.channels) parts.push('&' + c);
    }
    parts.push(this.describeCommands());
    return parts.join(' ');
  }
}

/** User flags in the order ACL LIST and GETUSER show them (acl.c ACLUserFlags). */
const FLAG_ORDER = ['on', 'off', 'nopass', 'skip-sanitize-payload', 'sanitize-payload'] as const;

/** An ACL user: flags, password hashes, and its selectors (the root one first). */
export class AclUser {
  enabled = false;
  nopass = false;
  /** 'sanitize-payload' / 'skip-sanitize-payload' (kept for ACL LIST; Holdfast has no RESTORE). */
  sanitize: 'none' | 'sanitize' | 'skip' = 'none';
  passwords: string[] = [];
  selectors: Selector[];

  constructor(
    readonly name: string,
    readonly index: AclCommandIndex,
    private readonly pubsubDefaultAll: () => boolean,
  ) {
    this.selectors = [new Selector(index, true, pubsubDefaultAll())];
  }

  get root(): Selector {
    return this.selectors[0]!;
  }

  /** A copy under another name (ACL SETUSER stages its changes on one). */
  copyFrom(src: AclUser): void {
    this.enabled = src.enabled;
    this.nopass = src.nopass;
    this.sanitize = src.sanitize;
    this.passwords = [...src.passwords];
    this.selectors = src.selectors.map((s) => s.clone());
  }

  get flags(): string[] {
    const out: string[] = [];
    for (const f of FLAG_ORDER) {
      if ((f === 'on' && this.enabled) || (f === 'off' && !this.enabled) || (f === 'nopass' && this.nopass)) out.push(f);
      if ((f === 'skip-sanitize-payload' && this.sanitize === 'skip') || (f === 'sanitize-payload' && this.sanitize === 'sanitize')) out.push(f);
    }
    return out;
  }

  /** Redis's ACLSetUser: one rule. Throws RuleError with Redis's reason. */
  apply(op: string): void {
    if (op === '') return; // Redis: an empty rule is a no-op
    const lower = op.toLowerCase();
    if (lower === 'on') this.enabled = true;
    else if (lower === 'off') this.enabled = false;
    else if (lower === 'skip-sanitize-payload') this.sanitize = 'skip';
    else if (lower === 'sanitize-payload') this.sanitize = 'sanitize';
    else if (lower === 'nopass') {
      this.nopass = true;
      this.passwords = [];
    } else if (lower === 'resetpass') {
      this.nopass = false;
      this.passwords = [];
    } else if (op[0] === '>' || op[0] === '#') {
      let hash: string;
      if (op[0] === '>') hash = hashPassword(op.slice(1));
      else {
        hash = op.slice(1);
        if (!isPasswordHash(hash)) throw new RuleError(RULE_ERRORS.badHash);
      }
      if (!this.passwords.includes(hash)) this.passwords.push(hash);
      this.nopass = false;
    } else if (op[0] === '<' || op[0] === '!') {
      let hash: string;
      if (op[0] === '<') hash = hashPassword(op.slice(1));
      else {
        hash = op.slice(1);
        if (!isPasswordHash(hash)) throw new RuleError(RULE_ERRORS.badHash);
      }
      const i = this.passwords.indexOf(hash);
      if (i === -1) throw new RuleError(RULE_ERRORS.noSuchPassword);
      this.passwords.splice(i, 1);
    } else if (op[0] === '(' && op[op.length - 1] === ')') {
      const selector = new Selector(this.index, false, this.pubsubDefaultAll());
      const ops = splitArgs(op.slice(1, -1)) ?? [];
      for (const o of ops) selector.apply(o);
      this.selectors.push(selector);
    } else if (lower === 'clearselectors') {
      this.selectors = [this.root];
    } else if (lower === 'reset') {
      this.apply('resetpass');
      this.apply('resetkeys');
      this.apply('resetchannels');
      if (this.pubsubDefaultAll()) this.apply('allchannels');
      this.apply('off');
      this.apply('sanitize-payload');
      this.apply('clearselectors');
      this.apply('-@all');
    } else {
      this.root.apply(op);
    }
  }

  /** Redis's ACLDescribeUser: what ACL LIST and the ACL file hold after "user <name> ". */
  describe(): string {
    const parts = [...this.flags];
    for (const p of this.passwords) parts.push('#' + p);
    let out = parts.join(' ');
    for (const s of this.selectors) {
      const d = s.describe();
      if (s.root) out += (out === '' ? '' : ' ') + d;
      else out += ` (${d})`;
    }
    return out;
  }

  /** Constant-time check of a password against the stored hashes (Redis's time_independent_strcmp). */
  checkPassword(password: string): boolean {
    if (this.nopass) return true;
    const hashed = Buffer.from(hashPassword(password), 'latin1');
    let ok = false;
    for (const p of this.passwords) {
      const stored = Buffer.from(p, 'latin1');
      // every stored hash is compared in full, whatever the earlier results
      let diff = 0;
      for (let i = 0; i < 64; i++) diff |= stored[i]! ^ hashed[i]!;
      if (diff === 0) ok = true;
    }
    return ok;
  }
}

/**
 * Redis's ACLMergeSelectorArguments: a selector may be spread over several arguments
 * ("(~foo" "+get)"); they are joined with spaces. Returns null and the index of the
 * opening argument when a parenthesis is not closed.
 */
export function mergeSelectorArguments(args: readonly string[]): { merged: string[] } | { unmatched: number } {
  const merged: string[] = [];
  let open = -1;
  let selector = '';
  for (let j = 0; j < args.length; j++) {
    const op = args[j]!;
    if (op[0] === '(' && op[op.length - 1] !== ')') {
      selector = op;
      open = j;
      continue;
    }
    if (open !== -1) {
      selector += ' ' + op;
      if (op[op.length - 1] === ')') {
        open = -1;
        merged.push(selector);
      }
      continue;
    }
    merged.push(op);
  }
  if (open !== -1) return { unmatched: open };
  return { merged };
}
