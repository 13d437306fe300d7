import { randomBytes } from 'node:crypto';
import type { CommandSpec } from '../src/dispatch/commandSpec.js';
import { CommandError, parseIntArg } from '../src/dispatch/argCursor.js';
import { Err } from '../src/protocol/errors.js';
import type { ReplyWriter } from '../src/protocol/replyWriter.js';
import { ACL_CATEGORIES, categoryIndex } from '../src/acl/categories.js';
import type { Selector } from '../src/acl/user.js';
import { replyHelp } from './connection.js';

// ACL: users and their rules live in src/acl (Acl, AclUser, Selector); these handlers parse
// arguments and shape replies as Redis 7.0's aclCommand does.

const ADMIN = ['admin', 'noscript', 'loading', 'stale'] as const;

/** The ACL file, or Redis's error when none is configured (ACL LOAD / SAVE). */
function aclFile(file: string): string {
  if (file === '') throw new CommandError(Err.aclNoFile);
  return file;
}

/** Redis's aclAddReplySelectorDescription: commands, keys, channels. */
function replySelector(r: ReplyWriter, s: Selector): void {
  r.bulk('commands');
  r.bulk(s.describeCommands());
  r.bulk('keys');
  r.bulk(s.describeKeys().join(' '));
  r.bulk('channels');
  r.bulk(s.allChannels ? '&*' : s.channels.map((c) => '&' + c).join(' '));
}

const aclSetuser = {
  name: 'setuser',
  arity: -3,
  flags: ADMIN,
  group: 'server',
  summary: 'Modify or create the rules for a specific ACL user',
  since: '6.0.0',
  complexity: 'O(N). Where N is the number of rules provided.',
  history: [
    ['6.2.0', 'Added Pub/Sub channel patterns.'],
    ['7.0.0', 'Added selectors and key based permissions.'],
  ],
  arguments: [
    { name: 'username', type: 'string' },
    { name: 'rule', type: 'string', optional: true, multiple: true },
  ],
  handler(client, argv) {
    const error = client.server.acl.setUser(argv[2]!, argv.slice(3), client);
    if (error !== null) throw new CommandError(`ERR ${error}`);
    client.reply.ok();
  },
} as const satisfies CommandSpec;

const aclDeluser = {
  name: 'deluser',
  arity: -3,
  flags: ADMIN,
  group: 'server',
  summary: 'Remove the specified ACL users and the associated rules',
  since: '6.0.0',
  complexity: 'O(1) amortized time considering the typical user.',
  arguments: [{ name: 'username', type: 'string', multiple: true }],
  handler(client, argv) {
    const names = argv.slice(2);
    if (names.includes('default')) throw new CommandError(Err.aclDefaultUndeletable);
    client.reply.integer(client.server.acl.deleteUsers(names, client));
  },
} as const satisfies CommandSpec;

const aclGetuser = {
  name: 'getuser',
  arity: 3,
  flags: ADMIN,
  group: 'server',
  summary: 'Get the rules for a specific ACL user',
  since: '6.0.0',
  complexity: 'O(N). Where N is the number of password, command and pattern rules that the user has.',
  history: [
    ['6.2.0', 'Added Pub/Sub channel patterns.'],
    ['7.0.0', 'Added selectors and changed the format of key and channel patterns from a list to their rule representation.'],
  ],
  arguments: [{ name: 'username', type: 'string' }],
  handler(client, argv) {
    const u = client.server.acl.users.get(argv[2]!);
    // Redis: a missing user is a null reply
    if (u === undefined) {
      client.reply.nullBulk();
      return;
    }
    const r = client.reply;
    r.mapHeader(6);
    r.bulk('flags');
    const flags = u.flags;
    r.setHeader(flags.length);
    for (const f of flags) r.bulk(f);
    r.bulk('passwords');
    r.bulkArray(u.passwords);
    replySelector(r, u.root);
    r.bulk('selectors');
    r.arrayHeader(u.selectors.length - 1);
    for (const s of u.selectors.slice(1)) {
      r.mapHeader(3);
      replySelector(r, s);
    }
  },
} as const satisfies CommandSpec;

const aclList = {
  name: 'list',
  arity: 2,
  flags: ADMIN,
  group: 'server',
  summary: 'List the current ACL rules in ACL config file format',
  since: '6.0.0',
  complexity: 'O(N). Where N is the number of configured users.',
  handler(client) {
    client.reply.bulkArray(client.server.acl.sortedUsers().map((u) => `user ${u.name} ${u.describe()}`));
  },
} as const satisfies CommandSpec;

const aclUsers = {
  name: 'users',
  arity: 2,
  flags: ADMIN,
  group: 'server',
  summary: 'List the username of all the configured ACL rules',
  since: '6.0.0',
  complexity: 'O(N). Where N is the number of configured users.',
  handler(client) {
    client.reply.bulkArray(client.server.acl.sortedUsers().map((u) => u.name));
  },
} as const satisfies CommandSpec;

const aclWhoami = {
  name: 'whoami',
  arity: 2,
  flags: ['noscript', 'loading', 'stale'],
  group: 'server',
  summary: 'Return the name of the user associated to the current connection',
  since: '6.0.0',
  complexity: 'O(1)',
  handler(client) {
    client.reply.bulk(client.user);
  },
} as const satisfies CommandSpec;

const aclCat = {
  name: 'cat',
  arity: -2,
  flags: ['noscript', 'loading', 'stale'],
  group: 'server',
  summary: 'List the ACL categories or the commands inside a category',
  since: '6.0.0',
  complexity: 'O(1) since the categories and commands are a fixed set.',
  arguments: [{ name: 'categoryname', type: 'string', optional: true }],
  handler(client, argv) {
    if (argv.length > 3) throw new CommandError(Err.subcommandSyntax(argv[1]!, 'acl'));
    if (argv.length === 2) {
      client.reply.bulkArray(ACL_CATEGORIES);
      return;
    }
    const cat = categoryIndex(argv[2]!);
    if (cat < 0) throw new CommandError(Err.aclUnknownCategory(argv[2]!));
    const index = client.server.acl.index;
    const bit = 1 << cat;
    const names: string[] = [];
    for (const id of index.topLevel) {
      if (index.categories[id]! & bit) names.push(index.fullNames[id]!);
      for (const sub of index.subcommandIds[id] ?? []) if (index.categories[sub]! & bit) names.push(index.fullNames[sub]!);
    }
    client.reply.bulkArray(names);
  },
} as const satisfies CommandSpec;

const aclDryrun = {
  name: 'dryrun',
  arity: -4,
  flags: ADMIN,
  group: 'server',
  summary: 'Returns whether the user can execute the given command without executing the command.',
  since: '7.0.0',
  complexity: 'O(1).',
  arguments: [
    { name: 'username', type: 'string' },
    { name: 'command', type: 'string' },
    { name: 'arg', type: 'string', optional: true, multiple: true },
  ],
  handler(client, argv) {
    const server = client.server;
    const user = server.acl.users.get(argv[2]!);
    if (user === undefined) throw new CommandError(Err.aclNoUser(argv[2]!));
    const args = argv.slice(3);
    // Redis's lookupCommand: a container with a second argument means its subcommand
    const spec = server.table.resolve(args);
    if (spec === undefined) throw new CommandError(Err.aclCommandNotFound(args[0]!));
    const full = server.table.fullName(spec);
    if ((spec.arity > 0 && args.length !== spec.arity) || args.length < -spec.arity) throw new CommandError(Err.wrongArity(full));
    const denial = server.acl.check(user, spec, args);
    if (denial === null) client.reply.ok();
    else if (denial.reason === 'command') client.reply.bulk(`This user has no permissions to run the '${full}' command`);
    else client.reply.bulk(`This user has no permissions to access the '${args[denial.index]}' ${denial.reason}`);
  },
} as const satisfies CommandSpec;

/** Redis's GENPASS_MAX_BITS. */
const GENPASS_MAX_BITS = 4096;

const aclGenpass = {
  name: 'genpass',
  arity: -2,
  flags: ['noscript', 'loading', 'stale'],
  group: 'server',
  summary: 'Generate a pseudorandom secure password to use for ACL users',
  since: '6.0.0',
  complexity: 'O(1)',
  arguments: [{ name: 'bits', type: 'integer', optional: true }],
  handler(client, argv) {
    if (argv.length > 3) throw new CommandError(Err.subcommandSyntax(argv[1]!, 'acl'));
    const bits = argv.length === 3 ? parseIntArg(argv[2]!) : 256;
    if (bits <= 0 || bits > GENPASS_MAX_BITS) throw new CommandError(Err.aclGenpassBits);
    const chars = Math.floor((bits + 3) / 4);
    client.reply.bulk(randomBytes(Math.ceil(chars / 2)).toString('hex').slice(0, chars));
  },
} as const satisfies CommandSpec;

const aclLog = {
  name: 'log',
  arity: -2,
  flags: ADMIN,
  group: 'server',
  summary: 'List latest events denied because of ACLs in place',
  since: '6.0.0',
  complexity: 'O(N) with N being the number of entries shown.',
  arguments: [
    {
      name: 'operation', type: 'oneof', optional: true, arguments: [
        { name: 'count', type: 'integer' },
        { name: 'reset', type: 'pure-token', token: 'RESET' },
      ],
    },
  ],
  handler(client, argv) {
    if (argv.length > 3) throw new CommandError(Err.subcommandSyntax(argv[1]!, 'acl'));
    const log = client.server.acl.log;
    let count = 10;
    if (argv.length === 3) {
      if (argv[2]!.toLowerCase() === 'reset') {
        log.length = 0;
        client.reply.ok();
        return;
      }
      count = Math.max(0, parseIntArg(argv[2]!));
    }
    count = Math.min(count, log.length);
    const r = client.reply;
    const now = Date.now();
    r.arrayHeader(count);
    for (let i = 0; i < count; i++) {
      const e = log[i]!;
      r.mapHeader(7);
      r.bulk('count');
      r.integer(e.count);
      r.bulk('reason');
      r.bulk(e.reason);
      r.bulk('context');
      r.bulk(e.context);
      r.bulk('object');
      r.bulk(e.object);
      r.bulk('username');
      r.bulk(e.username);
      r.bulk('age-seconds');
      r.double((now - e.ctime) / 1000);
      r.bulk('client-info');
      r.bulk(e.clientInfo);
    }
  },
} as const satisfies CommandSpec;

const aclLoad = {
  name: 'load',
  arity: 2,
  flags: ADMIN,
  group: 'server',
  summary: 'Reload the ACLs from the configured ACL file',
  since: '6.0.0',
  complexity: 'O(N). Where N is the number of configured users.',
  handler(client) {
    const server = client.server;
    const errors = server.acl.load(aclFile(server.config.str('aclfile')), client);
    if (errors !== null) throw new CommandError(`ERR ${errors}`);
    client.reply.ok();
  },
} as const satisfies CommandSpec;

const aclSave = {
  name: 'save',
  arity: 2,
  flags: ADMIN,
  group: 'server',
  summary: 'Save the current ACL rules in the configured ACL file',
  since: '6.0.0',
  complexity: 'O(N). Where N is the number of configured users.',
  handler(client) {
    const server = client.server;
    const file = aclFile(server.config.str('aclfile'));
    try {
      server.acl.save(file);
    } catch (err) {
      server.log('warning', `Writing ACL file for ACL SAVE: ${(err as Error).message}`);
      throw new CommandError(Err.aclSaveFailed);
    }
    client.reply.ok();
  },
} as const satisfies CommandSpec;

const aclHelp = {
  name: 'help',
  arity: 2,
  flags: ['loading', 'stale'],
  group: 'server',
  summary: 'Show helpful text about the different subcommands',
  since: '6.0.0',
  complexity: 'O(1)',
  handler(client) {
    replyHelp(client.reply, 'ACL', [
      'CAT [<category>]',
      '    List all commands that belong to <category>, or all command categories',
      '    when no category is specified.',
      'DELUSER <username> [<username> ...]',
      '    Delete a list of users.',
      'DRYRUN <username> <command> [<arg> ...]',
      '    Returns whether the user can execute the given command without executing the command.',
      'GETUSER <username>',
      "    Get the user's details.",
      'GENPASS [<bits>]',
      '    Generate a secure 256-bit user password. The optional `bits` argument can',
      '    be used to specify a different size.',
      'LIST',
      '    Show users details in config file format.',
      'LOAD',
      '    Reload users from the ACL file.',
      'LOG [<count> | RESET]',
      '    Show the ACL log entries.',
      'SAVE',
      '    Save the current config to the ACL file.',
      'SETUSER <username> <attribute> [<attribute> ...]',
      '    Create or modify a user with the specified attributes.',
      'USERS',
      '    List all the registered usernames.',
      'WHOAMI',
      '    Return the current connection username.',
    ]);
  },
} as const satisfies CommandSpec;

export const acl = {
  name: 'acl',
  arity: -2,
  flags: [],
  group: 'server',
  // Redis's summary ends with a space
  summary: 'A container for Access List Control commands ',
  since: '6.0.0',
  complexity: 'Depends on subcommand.',
  subcommands: [aclSave, aclSetuser, aclUsers, aclDeluser, aclDryrun, aclCat, aclGenpass, aclLog, aclHelp, aclLoad, aclGetuser, aclList, aclWhoami],
} as const satisfies CommandSpec;

export const aclCommands: readonly CommandSpec[] = [acl];
