/**
 * What printf's "%.<max>s" prints of a client's argument: Redis formats these messages
 * from C strings, so the text stops at the first NUL byte.
 */
function cString(s: string, max: number): string {
  const nul = s.indexOf('\0');
  return s.slice(0, nul !== -1 && nul < max ? nul : max);
}

/**
 * Redis's error texts, in one place. Each is the reply line without the leading '-' and
 * the trailing CRLF. Texts with a parameter are functions.
 */
export const Err = {
  syntax: 'ERR syntax error',
  notInteger: 'ERR value is not an integer or out of range',
  notFloat: 'ERR value is not a valid float',
  wrongType: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  noSuchKey: 'ERR no such key',
  overflow: 'ERR increment or decrement would overflow',
  nanOrInf: 'ERR increment would produce NaN or Infinity',
  invalidExpire: (cmd: string) => `ERR invalid expire time in '${cmd}' command`,
  dbIndexOutOfRange: 'ERR DB index is out of range',
  invalidDbIndex: 'ERR invalid DB index',
  stringTooLong: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
  offsetOutOfRange: 'ERR offset is out of range',
  busyKey: 'BUSYKEY Target key name already exists.',
  sameObject: 'ERR source and destination objects are the same',
  noAuthConfigured:
    'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
  wrongPass: 'WRONGPASS invalid username-password pair or user is disabled.',
  noAuth: 'NOAUTH Authentication required.',
  wrongArity: (cmd: string) => `ERR wrong number of arguments for '${cmd}' command`,
  unknownCommand: (name: string, args: readonly string[]) => {
    let tail = '';
    // Redis: at most 128 bytes of the arguments are quoted back
    for (let i = 0; i < args.length && tail.length < 128; i++) {
      tail += `'${cString(args[i]!, 128 - tail.length)}' `;
    }
    return `ERR unknown command '${cString(name, 128)}', with args beginning with: ${tail}`;
  },
  unknownSubcommand: (sub: string, cmd: string) =>
    `ERR unknown subcommand '${cString(sub, 128)}'. Try ${cmd.toUpperCase()} HELP.`,
  pubsubContext: (cmd: string) =>
    `ERR Can't execute '${cmd}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
  protocol: (what: string) => `ERR Protocol error: ${what}`,
  loading: 'LOADING Holdfast is loading the dataset in memory',
  multiNested: 'ERR MULTI calls can not be nested',
  execWithoutMulti: 'ERR EXEC without MULTI',
  discardWithoutMulti: 'ERR DISCARD without MULTI',
  execAbort: 'EXECABORT Transaction discarded because of previous errors.',
  watchInMulti: 'ERR WATCH inside MULTI is not allowed',
  noProto: 'NOPROTO unsupported protocol version',
  timeoutNotFloat: 'ERR timeout is not a float or out of range',
  timeoutNegative: 'ERR timeout is negative',
  decrementOverflow: 'ERR decrement would overflow',
  invalidCursor: 'ERR invalid cursor',
  invalidFirstDbIndex: 'ERR invalid first DB index',
  invalidSecondDbIndex: 'ERR invalid second DB index',
  /** EXPIRE & co: `opt` as given, cut at a NUL byte like Redis's %s. */
  unsupportedOption: (opt: string) => `ERR Unsupported option ${opt}`,
  expireNxAndOthers: 'ERR NX and XX, GT or LT options at the same time are not compatible',
  expireGtAndLt: 'ERR GT and LT options at the same time are not compatible',
  lfuNotSelected:
    'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  lfuSelected:
    'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  /** Redis's shared.oomerr: a denyoom command while over maxmemory with nothing left to evict. */
  oom: "OOM command not allowed when used memory > 'maxmemory'.",
  lcsNotStrings: 'ERR The specified keys must contain string values',
  lcsLenAndIdx: 'ERR If you want both the length and indexes, please just use IDX.',
  lcsTooLong: 'ERR String too long for LCS',
  lcsMemoryLimit: 'ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len',
  lcsMemoryFailed: 'ERR Insufficient memory, failed allocating transient memory for LCS',
  /** Holdfast: COPY of a value type that cannot be duplicated (no Redis counterpart). */
  copyUnsupported: (type: string) => `ERR COPY is not supported for values of type '${type}'`,
  /** Redis's addReplySubcommandSyntaxError: `sub` as the client typed it. */
  subcommandSyntax: (sub: string, cmd: string) =>
    `ERR unknown subcommand or wrong number of arguments for '${cString(sub, 128)}'. Try ${cmd.toUpperCase()} HELP.`,
  /** Redis: a client that expects one reply per command (inside EXEC) cannot SSUBSCRIBE. */
  denyBlockingSubscribe: (cmd: string) => `ERR ${cmd} isn't allowed for a DENY BLOCKING client`,
  // Connection and server commands (HELLO, AUTH, CLIENT, CONFIG, COMMAND, SHUTDOWN)
  helloProtover: 'ERR Protocol version is not an integer or out of range',
  helloSyntax: (opt: string) => `ERR Syntax error in HELLO option '${opt}'`,
  helloNoAuth:
    'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
  /** Redis's getIntFromObjectOrReply: a valid 64-bit integer outside C int range. */
  intOutOfRange: 'ERR value is out of range, value must between -2147483648 and 2147483647',
  invalidClientName: 'ERR Client names cannot contain spaces, newlines or special characters.',
  noSuchClient: 'ERR No such client',
  clientIdNotPositive: 'ERR client-id should be greater than 0',
  invalidClientId: 'ERR Invalid client ID',
  unknownClientType: (type: string) => `ERR Unknown client type '${type}'`,
  noSuchUser: (user: string) => `ERR No such user '${user}'`,
  unblockReason: 'ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR',
  setinfoUnknownAttr: (attr: string) => `ERR Unrecognized option '${attr}'`,
  setinfoInvalid: (attr: string) => `ERR ${attr} cannot contain spaces, newlines or special characters.`,
  noConfigFile: 'ERR The server is running without a config file',
  configRewrite: (why: string) => `ERR Rewriting config file: ${why}`,
  configUnknownOption: (name: string) => `ERR Unknown option or number of arguments for CONFIG SET - '${name}'`,
  configDuplicate: (name: string) => `ERR CONFIG SET failed (possibly related to argument '${name}') - duplicate parameter`,
  getkeysInvalidCommand: 'ERR Invalid command specified',
  getkeysInvalidArity: 'ERR Invalid number of arguments specified for command',
  getkeysNoKeys: 'ERR The command has no key arguments',
  getkeysInvalidArgs: 'ERR Invalid arguments specified for command',
  noShutdownInProgress: 'ERR No shutdown in progress.',
  monitorDenyBlocking: "ERR MONITOR isn't allowed for DENY BLOCKING client",
  // Hashes, sets and sorted sets
  hashValueNotInteger: 'ERR hash value is not an integer',
  hashValueNotFloat: 'ERR hash value is not a float',
  /** HINCRBYFLOAT with an infinite increment. */
  valueNanOrInfinity: 'ERR value is NaN or Infinity',
  /** Redis's getPositiveLongFromObjectOrReply (SPOP, ZPOPMIN counts). */
  valueMustBePositive: 'ERR value is out of range, must be positive',
  /** Redis's getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX) (HRANDFIELD, SRANDMEMBER, ZRANDMEMBER counts). */
  valueOutsideLongRange: 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
  /** HRANDFIELD/ZRANDMEMBER: a count whose reply length (count x 2 with values) would overflow. */
  valueOutOfRange: 'ERR value is out of range',
  minOrMaxNotFloat: 'ERR min or max is not a float',
  minOrMaxNotLex: 'ERR min or max not valid string range item',
  zaddXxAndNx: 'ERR XX and NX options at the same time are not compatible',
  zaddGtLtNx: 'ERR GT, LT, and/or NX options at the same time are not compatible',
  zaddIncrSinglePair: 'ERR INCR option supports a single increment-element pair',
  zscoreNaN: 'ERR resulting score is not a number (NaN)',
  zrangeLimitByRank: 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
  zrangeWithscoresByLex: 'ERR syntax error, WITHSCORES not supported in combination with BYLEX',
  numkeysNotPositive: 'ERR numkeys should be greater than 0',
  numkeysOverArgs: "ERR Number of keys can't be greater than number of args",
  limitNegative: "ERR LIMIT can't be negative",
  countNotPositive: 'ERR count should be greater than 0',
  weightNotFloat: 'ERR weight value is not a float',
  zsetNoInputKey: (cmd: string) => `ERR at least 1 input key is needed for '${cmd}' command`,
  // ACL, security and operations (Redis 7.0's texts)
  noPermCommand: (cmd: string) => `NOPERM this user has no permissions to run the '${cmd}' command`,
  noPermKey: 'NOPERM this user has no permissions to access one of the keys used as arguments',
  noPermChannel: 'NOPERM this user has no permissions to access one of the channels used as arguments',
  /** EXEC: a queued command the user may no longer run (Redis's execCommand). */
  noPermChangedInMulti: (reason: string) =>
    `NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: ${reason}`,
  aclNoFile:
    'ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.',
  aclSaveFailed: 'ERR There was an error trying to save the ACLs. Please check the server logs for more information',
  aclDefaultUndeletable: "ERR The 'default' user cannot be removed",
  aclNoUser: (user: string) => `ERR User '${user}' not found`,
  aclUnknownCategory: (cat: string) => `ERR Unknown category '${cString(cat, 128)}'`,
  aclCommandNotFound: (cmd: string) => `ERR Command '${cmd}' not found`,
  aclGenpassBits: 'ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096',
  /** Redis's acceptCommonHandler in protected mode (the whole text is one line). */
  protectedMode:
    "DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.",
  maxClients: 'ERR max number of clients reached',
  timeoutNotInteger: 'ERR timeout is not an integer or out of range',
  pauseMode: 'ERR CLIENT PAUSE mode must be WRITE or ALL',
  slowlogCountNegative: 'ERR count should be greater than or equal to -1',
  // Persistence (src/persistence, commands/persistence.ts)
  aofWriteError: (why: string) => `MISCONF Errors writing to the AOF file: ${why}`,
  rewriteInProgress: 'ERR Background append only file rewriting already in progress',
  rewriteFailed: "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.",
  bgsaveInProgress: 'ERR Background save already in progress',
  saveFailed: 'ERR',
  // Lists, blocking commands, transactions
  indexOutOfRange: 'ERR index out of range',
  lposRankZero:
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
  lposCountNegative: "ERR COUNT can't be negative",
  lposMaxlenNegative: "ERR MAXLEN can't be negative",
  /** CLIENT UNBLOCK <id> ERROR: the blocked client's reply. */
  unblocked: 'UNBLOCKED client unblocked via CLIENT UNBLOCK',
  /** Holdfast: a bug while serving a blocked client (the pusher is not affected). */
  blockedServeFailed: 'ERR internal error while serving a blocked client',
} as const;
