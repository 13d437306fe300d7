import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import type { Client } from '../network/client.js';
import type { CommandSpec, KeySpec } from '../dispatch/commandSpec.js';
import type { CommandTable } from '../dispatch/commandTable.js';
import { getKeyPositions } from '../dispatch/commandTable.js';
import type { Config } from '../config.js';
import { Err } from '../protocol/errors.js';
import { stringMatch } from '../util/glob.js';
import { aclCategories } from './categories.js';
import { AclCommandIndex, AclUser, KEY_READ, KEY_WRITE, RuleError, RULE_ERRORS, hasSpaces, mergeSelectorArguments, type Selector } from './user.js';

export type DenyReason = 'command' | 'key' | 'channel' | 'auth';
export type LogContext = 'toplevel' | 'multi' | 'lua' | 'module';

/** One ACL LOG entry (Redis's ACLLogEntry): similar denials within a minute are counted in one. */
export interface AclLogEntry {
  count: number;
  reason: DenyReason;
  context: LogContext;
  object: string;
  username: string;
  /** ms time of the last occurrence. */
  ctime: number;
  clientInfo: string;
}

/** Outcome of a permission check: what was denied and at which argv index (keys, channels). */
export interface AclDenial {
  reason: Exclude<DenyReason, 'auth'>;
  index: number;
}

/** Redis: ACL_LOG_GROUPING_MAX_TIME_DELTA. */
const LOG_GROUPING_MS = 60_000;

/** Commands whose arguments are Pub/Sub channels (Redis's ACLDoesCommandHaveChannels). */
const CHANNEL_COMMANDS: Record<string, 'first' | 'all' | 'literal'> = {
  publish: 'first',
  spublish: 'first',
  subscribe: 'all',
  ssubscribe: 'all',
  psubscribe: 'literal',
};

interface KeyRef {
  pos: number;
  perm: number;
}

/**
 * Users, the permission check every command passes, the ACL log, and the ACL file.
 *
 * The check's cost is paid only when some user is restricted: while every user may run
 * everything (the default setup), `open` is true and the dispatcher skips the check.
 */
export class Acl {
  readonly index: AclCommandIndex;
  /** By name; ACL LIST/USERS/SAVE sort the names as Redis's radix tree does. */
  users = new Map<string, AclUser>();
  readonly log: AclLogEntry[] = [];
  /** True while no user is restricted in any way: the dispatcher can skip checks. */
  open = true;
  /** Denials by reason (INFO stats acl_access_denied_*). */
  readonly denied = { auth: 0, command: 0, key: 0, channel: 0 };
  /** How an ACL log entry describes the client (CLIENT LIST's line); set by the server. */
  describeClient: (c: Client) => string = (c) => `id=${c.id} addr=${c.remoteAddress} user=${c.user}`;
  /** Closes the clients authenticated as a deleted user; set by the server. */
  killClients: (match: (c: Client) => boolean, current: Client | null) => void = () => {};
  private readonly wrapped = new WeakMap<KeySpec, CommandSpec>();

  constructor(
    readonly table: CommandTable,
    private readonly config: Config,
  ) {
    this.index = new AclCommandIndex(table.commands, aclCategories);
    this.users.set('default', this.createDefaultUser());
    this.updateDefaultPassword(config.str('requirepass'));
    config.onChange((name, value) => {
      if (name === 'requirepass') this.updateDefaultPassword(value as string);
      if (name === 'acllog-max-len') this.trimLog();
    });
  }

  get defaultUser(): AclUser {
    return this.users.get('default')!;
  }

  /** A user not yet in the table (ACL SETUSER stages changes on one). */
  newUser(name: string): AclUser {
    return new AclUser(name, this.index, () => this.config.str('acl-pubsub-default') === 'allchannels');
  }

  private createDefaultUser(): AclUser {
    const u = this.newUser('default');
    for (const op of ['+@all', '~*', '&*', 'on', 'nopass']) u.apply(op);
    return u;
  }

  /** Redis's ACLUpdateDefaultUserPassword: requirepass is the default user's one password. */
  updateDefaultPassword(password: string): void {
    const u = this.defaultUser;
    u.apply('resetpass');
    u.apply(password === '' ? 'nopass' : '>' + password);
    this.changed();
  }

  /** Recomputes the fast path after any change to users. */
  changed(): void {
    let open = true;
    for (const u of this.users.values()) {
      if (!u.root.unrestricted) open = false;
    }
    this.open = open;
  }

  /** Redis's authRequired: the default user needs a password (or is disabled) and the client has not authenticated. */
  authRequired(client: Client): boolean {
    const d = this.defaultUser;
    return (!d.nopass || !d.enabled) && !client.authenticated;
  }

  /** Whether a new connection starts authenticated (Redis's createClient). */
  startsAuthenticated(): boolean {
    const d = this.defaultUser;
    return d.nopass && d.enabled;
  }

  /** Redis's ACLCheckUserCredentials: the user exists, is on, and the password matches (or nopass). */
  checkCredentials(username: string, password: string): AclUser | null {
    const u = this.users.get(username);
    if (u === undefined || !u.enabled) return null;
    return u.checkPassword(password) ? u : null;
  }

  /**
   * Redis's ACLAuthenticateUser: on success the client is authenticated as the user; on
   * failure the attempt is counted and logged (reason auth, never the password).
   */
  authenticate(client: Client, username: string, password: string, commandName: string): boolean {
    const u = this.checkCredentials(username, password);
    if (u !== null) {
      client.authenticated = true;
      client.user = u.name;
      return true;
    }
    this.denied.auth++;
    this.addLogEntry(client, 'auth', client.multi !== null ? 'multi' : 'toplevel', commandName, username);
    return false;
  }

  /**
   * The dispatcher's check before running (or queuing) a command. Returns the error reply
   * when the client's user may not run it, after logging the denial.
   */
  checkCommand(client: Client, spec: CommandSpec, argv: readonly string[]): string | null {
    const user = this.users.get(client.user);
    if (user === undefined) return null; // a deleted user's clients are closed already
    const denial = this.check(user, spec, argv);
    if (denial === null) return null;
    this.denied[denial.reason]++;
    const context: LogContext = client.multi !== null ? 'multi' : 'toplevel';
    const object = denial.reason === 'command' ? this.index.fullNames[this.index.ids.get(spec)!]! : argv[denial.index]!;
    this.addLogEntry(client, denial.reason, context, object, user.name);
    if (denial.reason === 'command') return Err.noPermCommand(this.index.fullNames[this.index.ids.get(spec)!]!);
    return denial.reason === 'key' ? Err.noPermKey : Err.noPermChannel;
  }

  /**
   * EXEC's second look (Redis's execCommand): rules may have changed since the command was
   * queued. Returns the error that takes the command's place in EXEC's reply, or null.
   */
  checkQueued(client: Client, spec: CommandSpec, argv: readonly string[]): string | null {
    if (this.open) return null;
    const user = this.users.get(client.user);
    if (user === undefined) return null;
    const denial = this.check(user, spec, argv);
    if (denial === null) return null;
    this.denied[denial.reason]++;
    const object = denial.reason === 'command' ? this.index.fullNames[this.index.ids.get(spec)!]! : argv[denial.index]!;
    this.addLogEntry(client, denial.reason, 'multi', object, user.name);
    return Err.noPermChangedInMulti(
      denial.reason === 'command'
        ? 'no permission to execute the command or subcommand'
        : denial.reason === 'key'
          ? 'no permission to touch the specified keys'
          : 'no permission to access one of the channels used as arguments',
    );
  }

  /**
   * Redis's ACLCheckAllUserCommandPerm: allowed when one selector allows the command, its
   * keys and its channels. Otherwise the most relevant denial: command < key < channel,
   * and the later argument on a tie.
   */
  check(user: AclUser, spec: CommandSpec, argv: readonly string[]): AclDenial | null {
    let relevant: AclDenial = { reason: 'command', index: 0 };
    let keys: KeyRef[] | null = null;
    const rank = { command: 0, key: 1, channel: 2 };
    for (const s of user.selectors) {
      if (s.unrestricted) return null;
      if (keys === null && !s.allKeys) keys = this.keyRefs(spec, argv);
      const d = this.checkSelector(s, spec, argv, keys);
      if (d === null) return null;
      if (rank[d.reason] > rank[relevant.reason] || (d.reason === relevant.reason && d.index > relevant.index)) relevant = d;
    }
    return relevant;
  }

  private checkSelector(s: Selector, spec: CommandSpec, argv: readonly string[], keys: KeyRef[] | null): AclDenial | null {
    const id = this.index.ids.get(spec);
    if (id === undefined) return null; // not a table command
    if (!s.allCommands && !spec.flags.includes('no_auth') && s.allowed[id] === 0) {
      // Redis: +select|0 allows a first argument of an otherwise denied command
      const first = s.firstArgs?.get(id);
      const parent = this.index.parentId[id] !== -1;
      const arg = argv[parent ? 2 : 1];
      if (first === undefined || arg === undefined || !first.some((a) => a.toLowerCase() === arg.toLowerCase())) {
        return { reason: 'command', index: 0 };
      }
    }
    if (!s.allKeys && keys !== null) {
      for (const k of keys) {
        if (!keyAllowed(s, argv[k.pos]!, k.perm)) return { reason: 'key', index: k.pos };
      }
    }
    if (!s.allChannels && this.index.parentId[id] === -1) {
      const kind = CHANNEL_COMMANDS[spec.name];
      if (kind !== undefined) {
        const last = kind === 'first' ? Math.min(1, argv.length - 1) : argv.length - 1;
        for (let j = 1; j <= last; j++) {
          if (!channelAllowed(s.channels, argv[j]!, kind === 'literal')) return { reason: 'channel', index: j };
        }
      }
    }
    return null;
  }

  /** The command's keys with the permission each needs (Redis's ACLSelectorCheckKey flags). */
  private keyRefs(spec: CommandSpec, argv: readonly string[]): KeyRef[] {
    const out: KeyRef[] = [];
    for (const ks of spec.keySpecs ?? []) {
      if (ks.flags.includes('NOT_KEY')) continue;
      let single = this.wrapped.get(ks);
      if (single === undefined) this.wrapped.set(ks, (single = { ...spec, keySpecs: [ks] }));
      const positions = getKeyPositions(single, argv);
      if (positions === null) continue;
      // Redis: ACCESS needs read; INSERT, DELETE, UPDATE need write; RO/RW alone need neither
      let perm = 0;
      if (ks.flags.includes('ACCESS')) perm |= KEY_READ;
      if (ks.flags.includes('INSERT') || ks.flags.includes('DELETE') || ks.flags.includes('UPDATE')) perm |= KEY_WRITE;
      // Redis's setGetKeys: SET reads its key only with the GET option (VARIABLE_FLAGS)
      if (ks.flags.includes('VARIABLE_FLAGS') && spec.name === 'set' && !hasToken(argv, 3, 'GET')) perm &= ~KEY_READ;
      for (const pos of positions) out.push({ pos, perm });
    }
    return out;
  }

  /** Redis's addACLLogEntry: a similar recent entry (same reason, context, object, user) is bumped instead. */
  addLogEntry(client: Client, reason: DenyReason, context: LogContext, object: string, username: string): void {
    const now = Date.now();
    const info = this.describeClient(client);
    const scan = Math.min(10, this.log.length);
    for (let i = 0; i < scan; i++) {
      const e = this.log[i]!;
      if (e.reason === reason && e.context === context && Math.abs(e.ctime - now) <= LOG_GROUPING_MS && e.object === object && e.username === username) {
        e.count++;
        e.ctime = now;
        e.clientInfo = info;
        this.log.splice(i, 1);
        this.log.unshift(e);
        return;
      }
    }
    this.log.unshift({ count: 1, reason, context, object, username, ctime: now, clientInfo: info });
    this.trimLog();
  }

  private trimLog(): void {
    const max = this.config.num('acllog-max-len');
    if (this.log.length > max) this.log.length = max;
  }

  /** User names in Redis's order (its radix tree: byte order). */
  sortedUsers(): AclUser[] {
    return [...this.users.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * ACL SETUSER: the rules are applied to a copy, so a bad rule changes nothing. Returns
   * the error text (without "ERR ") or null.
   */
  setUser(name: string, rules: readonly string[], current: Client | null): string | null {
    if (hasSpaces(name)) return "Usernames can't contain spaces or null characters";
    const merged = mergeSelectorArguments(rules);
    if ('unmatched' in merged) return `Unmatched parenthesis in acl selector starting at '${rules[merged.unmatched]}'.`;
    const existing = this.users.get(name);
    const staged = this.newUser(name);
    if (existing !== undefined) staged.copyFrom(existing);
    for (const op of merged.merged) {
      try {
        staged.apply(op);
      } catch (err) {
        if (err instanceof RuleError) return `Error in ACL SETUSER modifier '${op}': ${err.message}`;
        throw err;
      }
    }
    if (existing !== undefined) {
      this.killPubsubClientsIfNeeded(staged, existing, current);
      existing.copyFrom(staged);
    } else {
      this.users.set(name, staged);
    }
    this.changed();
    return null;
  }

  /**
   * Redis's ACLKillPubsubClientsIfNeeded: when a user loses channels, its subscribers that
   * hold a subscription no longer allowed are disconnected.
   */
  private killPubsubClientsIfNeeded(next: AclUser, previous: AclUser, current: Client | null): void {
    if (next.selectors.some((s) => s.allChannels)) return;
    const upcoming = next.selectors.flatMap((s) => s.channels);
    const before = previous.selectors.flatMap((s) => s.channels);
    if (!previous.selectors.some((s) => s.allChannels) && before.every((c) => upcoming.includes(c))) return;
    this.killClients((c) => {
      if (c.user !== previous.name || c.subscriptionCount === 0) return false;
      for (const p of c.patterns) if (!channelAllowed(upcoming, p, true)) return true;
      for (const ch of c.channels) if (!channelAllowed(upcoming, ch, false)) return true;
      for (const ch of c.shardChannels) if (!channelAllowed(upcoming, ch, false)) return true;
      return false;
    }, current);
  }

  /** ACL DELUSER: removes the users and closes their connections. Returns how many existed. */
  deleteUsers(names: readonly string[], current: Client | null): number {
    let deleted = 0;
    const gone = new Set<string>();
    for (const n of names) {
      if (this.users.delete(n)) {
        deleted++;
        gone.add(n);
      }
    }
    if (gone.size > 0) {
      this.killClients((c) => gone.has(c.user), current);
      this.changed();
    }
    return deleted;
  }

  /** The ACL file's text for the current users (ACL SAVE). */
  fileText(): string {
    let out = '';
    for (const u of this.sortedUsers()) out += `user ${u.name} ${u.describe()}\n`;
    return out;
  }

  /** ACL SAVE: write to a temporary file, then rename over the ACL file. */
  save(path: string): void {
    const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
    try {
      writeFileSync(tmp, this.fileText(), { encoding: 'latin1', mode: 0o644 });
      renameSync(tmp, path);
    } finally {
      if (existsSync(tmp)) unlinkSync(tmp);
    }
  }

  /**
   * Redis's ACLLoadFromFile: every line is validated on a fresh set of users; any error
   * leaves the current users untouched and is reported (one line for all). On success,
   * clients of every user but default are disconnected, as in Redis.
   */
  load(path: string, current: Client | null): string | null {
    let text: string;
    try {
      text = readFileSync(path, 'latin1');
    } catch (err) {
      return `Error loading ACLs, opening file '${path}': ${(err as NodeJS.ErrnoException).message}`;
    }
    const fresh = new Map<string, AclUser>();
    let errors = '';
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const lineNo = i + 1;
      const line = lines[i]!.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
      if (line === '') continue;
      const argv = line.split(' ').filter((w) => w !== '');
      if (argv.length === 0) continue;
      if (argv[0] !== 'user' || argv.length < 2) {
        errors += `${path}:${lineNo} should start with user keyword followed by the username. `;
        continue;
      }
      const name = argv[1]!;
      if (fresh.has(name)) {
        errors += `WARNING: Duplicate user '${name}' found on line ${lineNo}. `;
        continue;
      }
      const u = this.newUser(name);
      fresh.set(name, u);
      const merged = mergeSelectorArguments(argv.slice(2));
      if ('unmatched' in merged) {
        errors += `${path}:${lineNo}: Unmatched parenthesis in selector definition.`;
        continue;
      }
      for (const op of merged.merged) {
        try {
          u.apply(op);
        } catch (err) {
          if (!(err instanceof RuleError)) throw err;
          errors += `${path}:${lineNo}: ${err.message}. `;
        }
      }
    }
    if (errors !== '') return errors + 'WARNING: ACL errors detected, no change to the previously active ACL rules was performed';
    this.replaceUsers(fresh, current);
    return null;
  }

  /**
   * Installs a new set of users (ACL LOAD, startup). The default user keeps its identity;
   * every client of another user is disconnected (Redis frees the old users).
   */
  replaceUsers(fresh: Map<string, AclUser>, current: Client | null): void {
    const def = this.defaultUser;
    const newDefault = fresh.get('default') ?? this.createDefaultUser();
    def.copyFrom(newDefault);
    fresh.set('default', def);
    const old = this.users;
    this.users = fresh;
    this.killClients((c) => c.user !== 'default' && old.has(c.user), current);
    this.changed();
  }

  /**
   * `user` lines of the config file (Redis's ACLAppendUserForLoading + ACLLoadConfiguredUsers).
   * Throws with Redis's reason on a bad rule.
   */
  loadConfiguredUsers(definitions: readonly (readonly string[])[]): void {
    const seen = new Set<string>();
    for (const def of definitions) {
      const [name, ...rules] = def;
      if (name === undefined) throw new Error("user directive needs a username");
      if (hasSpaces(name)) throw new Error('Spaces not allowed in ACL usernames');
      if (seen.has(name)) throw new Error(RULE_ERRORS.duplicateUser);
      seen.add(name);
      let u = this.users.get(name);
      if (u === undefined) {
        u = this.newUser(name);
        this.users.set(name, u);
      } else {
        u.apply('reset');
      }
      const merged = mergeSelectorArguments(rules);
      if ('unmatched' in merged) throw new Error(`Unmatched parenthesis in selector definition for user '${name}'`);
      for (const op of merged.merged) {
        try {
          u.apply(op);
        } catch (err) {
          if (!(err instanceof RuleError)) throw err;
          throw new Error(`Error loading ACL rule '${op}' for the user named '${name}': ${err.message}`);
        }
      }
    }
    this.changed();
  }
}

function hasToken(argv: readonly string[], from: number, token: string): boolean {
  for (let i = from; i < argv.length; i++) if (argv[i]!.toUpperCase() === token) return true;
  return false;
}

/** Redis's ACLSelectorCheckKey: a pattern with every needed permission matches the key. */
function keyAllowed(s: Selector, key: string, perm: number): boolean {
  for (const p of s.keyPatterns) {
    if ((p.flags & perm) !== perm) continue;
    if (stringMatch(p.pattern, key)) return true;
  }
  return false;
}

/** Redis's ACLCheckChannelAgainstList: PSUBSCRIBE's patterns must be listed literally. */
function channelAllowed(list: readonly string[], channel: string, literal: boolean): boolean {
  for (const p of list) {
    if (literal ? p === channel : stringMatch(p, channel)) return true;
  }
  return false;
}
