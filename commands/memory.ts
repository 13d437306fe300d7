import v8 from 'node:v8';
import type { CommandSpec } from '../src/dispatch/commandSpec.js';
import { keys } from '../src/dispatch/commandTable.js';
import { CommandError } from '../src/dispatch/argCursor.js';
import { Err } from '../src/protocol/errors.js';
import { parseStrictBigInt } from '../src/util/numbers.js';
import { KEY_OVERHEAD_BYTES, VOLATILE_KEY_BYTES, keyBytes, valueBytes } from '../src/memory/sizes.js';
import { bytesToHuman } from '../src/memory/manager.js';
import { fullGc } from '../src/memory/gc.js';
import { replyHelp } from './connection.js';

const SERVER_TIPS = ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'];

const memoryUsage = {
  name: 'usage',
  arity: -3,
  flags: ['readonly'],
  keySpecs: [keys.one(2, ['RO'])],
  group: 'server',
  summary: 'Estimate the memory usage of a key',
  since: '4.0.0',
  complexity: 'O(N) where N is the number of samples.',
  arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'count', type: 'integer', token: 'SAMPLES', optional: true },
  ],
  handler(client, argv) {
    // Redis: options are checked before the key is looked up. SAMPLES is accepted and
    // ignored: every type keeps its byte count, so the estimate is O(1) and exact to it.
    for (let j = 3; j < argv.length; j++) {
      if (argv[j]!.toLowerCase() === 'samples' && j + 1 < argv.length) {
        const n = parseStrictBigInt(argv[++j]!);
        if (n === null) throw new CommandError(Err.notInteger);
        if (n < 0n) throw new CommandError(Err.syntax);
      } else {
        throw new CommandError(Err.syntax);
      }
    }
    const key = argv[2]!;
    const v = client.db.get(key, false);
    if (v === undefined) return client.reply.nullBulk();
    client.reply.integer(keyBytes(key) + valueBytes(v));
  },
} as const satisfies CommandSpec;

const memoryStats = {
  name: 'stats',
  arity: 2,
  flags: [],
  group: 'server',
  summary: 'Show memory usage details',
  since: '4.0.0',
  complexity: 'O(1)',
  tips: SERVER_TIPS,
  handler(client) {
    const server = client.server;
    const m = server.memory;
    const s = m.snapshot();
    const r = client.reply;
    const dbs = server.keyspace.dbs.filter((db) => db.size > 0);
    let keyCount = 0;
    let tables = 0;
    for (const db of dbs) {
      keyCount += db.size;
      tables += db.size * KEY_OVERHEAD_BYTES + db.expiresCount * VOLATILE_KEY_BYTES;
    }
    const overhead = s.clients + tables;
    const dataset = s.used - overhead;
    const allocated = s.heapUsed + s.external;
    const active = s.heapTotal + s.external;
    // Redis's MEMORY STATS fields, in its order; "allocator" is V8's heap plus external memory.
    r.mapHeader(27 + dbs.length);
    r.bulk('peak.allocated');
    r.integer(m.peakBytes);
    r.bulk('total.allocated');
    r.integer(s.used);
    r.bulk('startup.allocated');
    r.integer(0);
    r.bulk('replication.backlog');
    r.integer(0);
    r.bulk('clients.slaves');
    r.integer(0);
    r.bulk('clients.normal');
    r.integer(s.clients);
    r.bulk('cluster.links');
    r.integer(0);
    r.bulk('aof.buffer');
    r.integer(0);
    r.bulk('lua.caches');
    r.integer(0);
    r.bulk('functions.caches');
    r.integer(0);
    for (const db of dbs) {
      r.bulk(`db.${db.index}`);
      r.mapHeader(3);
      r.bulk('overhead.hashtable.main');
      r.integer(db.size * KEY_OVERHEAD_BYTES);
      r.bulk('overhead.hashtable.expires');
      r.integer(db.expiresCount * VOLATILE_KEY_BYTES);
      r.bulk('overhead.hashtable.slot-to-keys');
      r.integer(0);
    }
    r.bulk('overhead.total');
    r.integer(overhead);
    r.bulk('keys.count');
    r.integer(keyCount);
    r.bulk('keys.bytes-per-key');
    r.integer(keyCount === 0 ? 0 : Math.floor(s.used / keyCount));
    r.bulk('dataset.bytes');
    r.integer(dataset);
    r.bulk('dataset.percentage');
    r.double(s.used === 0 ? 0 : (dataset * 100) / s.used);
    r.bulk('peak.percentage');
    r.double(m.peakBytes === 0 ? 0 : (s.used * 100) / m.peakBytes);
    r.bulk('allocator.allocated');
    r.integer(allocated);
    r.bulk('allocator.active');
    r.integer(active);
    r.bulk('allocator.resident');
    r.integer(s.rss);
    r.bulk('allocator-fragmentation.ratio');
    r.double(allocated === 0 ? 0 : active / allocated);
    r.bulk('allocator-fragmentation.bytes');
    r.integer(active - allocated);
    r.bulk('allocator-rss.ratio');
    r.double(active === 0 ? 0 : s.rss / active);
    r.bulk('allocator-rss.bytes');
    r.integer(s.rss - active);
    r.bulk('rss-overhead.ratio');
    r.double(s.rss === 0 ? 0 : s.rss / s.rss);
    r.bulk('rss-overhead.bytes');
    r.integer(0);
    r.bulk('fragmentation');
    r.double(s.used === 0 ? 0 : s.rss / s.used);
    r.bulk('fragmentation.bytes');
    r.integer(s.rss - s.used);
  },
} as const satisfies CommandSpec;

/** Redis's getMemoryDoctorReport: under 5 MB there is nothing to judge. */
const DOCTOR_MIN_BYTES = 5 * 1024 * 1024;

function doctorReport(server: import('../src/server.js').Server): string {
  const m = server.memory;
  const s = m.snapshot();
  if (s.used < DOCTOR_MIN_BYTES) {
    return "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n";
  }
  const issues: string[] = [];
  if (m.peakBytes > s.used * 1.5) {
    issues.push(
      ` * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.`,
    );
  }
  const frag = s.rss / s.used;
  if (frag > 1.5) {
    issues.push(
      ` * High fragmentation: This instance has a memory fragmentation (RSS / used_memory) greater than 1.5 (${frag.toFixed(2)}): the V8 heap holds ${bytesToHuman(s.heapTotal)} for ${bytesToHuman(s.used)} of data. Garbage not yet collected and the runtime's own base count here; MEMORY PURGE runs a full collection.`,
    );
  }
  if (s.clients > 200 * 1024 * 1024) {
    issues.push(` * Big client buffers: The clients output buffers are using ${bytesToHuman(s.clients)}. Consider client-output-buffer-limit.`);
  }
  if (issues.length === 0) return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
  return `Sam, I detected a few issues in this Holdfast instance memory implants:\n\n${issues.join('\n\n')}\n\nI'm here to keep you safe, Sam. I want to help you.\n`;
}

const memoryDoctor = {
  name: 'doctor',
  arity: 2,
  flags: [],
  group: 'server',
  summary: 'Outputs memory problems report',
  since: '4.0.0',
  complexity: 'O(1)',
  tips: SERVER_TIPS,
  handler(client) {
    client.reply.verbatim(doctorReport(client.server));
  },
} as const satisfies CommandSpec;

const memoryMallocStats = {
  name: 'malloc-stats',
  arity: 2,
  flags: [],
  group: 'server',
  summary: 'Show allocator internal stats',
  since: '4.0.0',
  complexity: 'Depends on how much memory is allocated, could be slow',
  tips: SERVER_TIPS,
  handler(client) {
    // Holdfast's allocator is V8's heap: its spaces stand for jemalloc's arenas.
    const h = v8.getHeapStatistics();
    let text = `___ Begin V8 heap statistics (v8 ${process.versions.v8}) ___\n`;
    for (const [k, v] of Object.entries(h)) text += `${k}: ${v}\n`;
    text += 'space, size, used, available, physical\n';
    for (const sp of v8.getHeapSpaceStatistics()) {
      text += `${sp.space_name}, ${sp.space_size}, ${sp.space_used_size}, ${sp.space_available_size}, ${sp.physical_space_size}\n`;
    }
    text += '--- End V8 heap statistics ---\n';
    client.reply.verbatim(text);
  },
} as const satisfies CommandSpec;

const memoryPurge = {
  name: 'purge',
  arity: 2,
  flags: [],
  group: 'server',
  summary: 'Ask the allocator to release memory',
  since: '4.0.0',
  complexity: 'Depends on how much memory is allocated, could be slow',
  tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
  handler(client) {
    // A full, compacting collection: garbage goes and free pages go back to the OS. It
    // stops the server for its duration, as jemalloc's purge does in Redis.
    fullGc();
    client.reply.ok();
  },
} as const satisfies CommandSpec;

const memoryHelp = {
  name: 'help',
  arity: 2,
  flags: ['loading', 'stale'],
  group: 'server',
  summary: 'Show helpful text about the different subcommands',
  since: '4.0.0',
  complexity: 'O(1)',
  handler(client) {
    replyHelp(client.reply, 'MEMORY', [
      'DOCTOR',
      '    Return memory problems reports.',
      'MALLOC-STATS',
      '    Return internal statistics report from the memory allocator.',
      'PURGE',
      '    Attempt to purge dirty pages for reclamation by the allocator.',
      'STATS',
      '    Return information about the memory usage of the server.',
      'USAGE <key> [SAMPLES <count>]',
      '    Return memory in bytes used by <key> and its value. Nested values are',
      '    sampled up to <count> times (default: 5, 0 means sample all).',
    ]);
  },
} as const satisfies CommandSpec;

export const memory = {
  name: 'memory',
  arity: -2,
  flags: [],
  group: 'server',
  summary: 'A container for memory diagnostics commands',
  since: '4.0.0',
  complexity: 'Depends on subcommand.',
  subcommands: [memoryDoctor, memoryHelp, memoryMallocStats, memoryPurge, memoryStats, memoryUsage],
} as const satisfies CommandSpec;

export const memoryCommands: readonly CommandSpec[] = [memory];
