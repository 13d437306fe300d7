import type { CommandSpec } from '../src/dispatch/commandSpec.js';
import { CommandError } from '../src/dispatch/argCursor.js';
import { Err } from '../src/protocol/errors.js';
import { parseStrictInt } from '../src/util/numbers.js';
import { OCTAVES, octaveLabelMicros, type LatencyHistogram } from '../src/observability/histogram.js';
import type { LatencyEvent } from '../src/observability/observability.js';
import { lookupByFullName } from './server.js';
import { replyHelp } from './connection.js';

// SLOWLOG and LATENCY: the data lives in src/observability (fed by a dispatcher observer);
// these handlers shape Redis 7.0's replies.

const ADMIN = ['admin', 'loading', 'stale'] as const;
const ADMIN_NOSCRIPT = ['admin', 'noscript', 'loading', 'stale'] as const;

// ---------------------------------------------------------------------------------------
// SLOWLOG

const slowlogGet = {
  name: 'get',
  arity: -2,
  flags: ADMIN,
  group: 'server',
  summary: "Get the slow log's entries",
  since: '2.2.12',
  complexity: 'O(N) where N is the number of entries returned',
  history: [['4.0.0', 'Added client IP address, port and name to the reply.']],
  arguments: [{ name: 'count', type: 'integer', optional: true }],
  tips: ['request_policy:all_nodes', 'nondeterministic_output'],
  handler(client, argv) {
    if (argv.length > 3) throw new CommandError(Err.subcommandSyntax(argv[1]!, 'slowlog'));
    const log = client.server.observability.slowlog;
    let count = 10;
    if (argv.length === 3) {
      // Redis's getRangeLongFromObjectOrReply(-1, LONG_MAX) with one message for both failures
      const n = parseStrictInt(argv[2]!);
      if (n === null || n < -1) throw new CommandError(Err.slowlogCountNegative);
      count = n === -1 ? log.length : n;
    }
    count = Math.min(count, log.length);
    const r = client.reply;
    r.arrayHeader(count);
    for (let i = 0; i < count; i++) {
      const e = log[i]!;
      r.arrayHeader(6);
      r.integer(e.id);
      r.integer(e.time);
      r.integer(e.micros);
      r.bulkArray(e.argv);
      r.bulk(e.peer);
      r.bulk(e.clientName);
    }
  },
} as const satisfies CommandSpec;

const slowlogLen = {
  name: 'len',
  arity: 2,
  flags: ADMIN,
  group: 'server',
  summary: "Get the slow log's length",
  since: '2.2.12',
  complexity: 'O(1)',
  tips: ['request_policy:all_nodes', 'response_policy:agg_sum', 'nondeterministic_output'],
  handler(client) {
    client.reply.integer(client.server.observability.slowlog.length);
  },
} as const satisfies CommandSpec;

const slowlogReset = {
  name: 'reset',
  arity: 2,
  flags: ADMIN,
  group: 'server',
  summary: 'Clear all entries from the slow log',
  since: '2.2.12',
  complexity: 'O(N) where N is the number of entries in the slowlog',
  tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
  handler(client) {
    client.server.observability.resetSlowlog();
    client.reply.ok();
  },
} as const satisfies CommandSpec;

const slowlogHelp = {
  name: 'help',
  arity: 2,
  flags: ['loading', 'stale'],
  group: 'server',
  summary: 'Show helpful text about the different subcommands',
  since: '6.2.0',
  complexity: 'O(1)',
  handler(client) {
    replyHelp(client.reply, 'SLOWLOG', [
      'GET [<count>]',
      '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
      '    Entries are made of:',
      '    id, timestamp, time in microseconds, arguments array, client IP and port,',
      '    client name',
      'LEN',
      '    Return the length of the slowlog.',
      'RESET',
      '    Reset the slowlog.',
    ]);
  },
} as const satisfies CommandSpec;

export const slowlog = {
  name: 'slowlog',
  arity: -2,
  flags: [],
  group: 'server',
  summary: 'A container for slow log commands',
  since: '2.2.12',
  complexity: 'Depends on subcommand.',
  subcommands: [slowlogReset, slowlogHelp, slowlogLen, slowlogGet],
} as const satisfies CommandSpec;

// ---------------------------------------------------------------------------------------
// LATENCY

const LATENCY_TIPS = ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'] as const;

const latencyLatest = {
  name: 'latest',
  arity: 2,
  flags: ADMIN_NOSCRIPT,
  group: 'server',
  summary: 'Return the latest latency samples for all events.',
  since: '2.8.13',
  complexity: 'O(1)',
  tips: LATENCY_TIPS,
  handler(client) {
    const r = client.reply;
    const events = client.server.observability.latencyEvents;
    r.arrayHeader(events.size);
    for (const [name, ev] of events) {
      const last = ev.samples[ev.samples.length - 1]!;
      r.arrayHeader(4);
      r.bulk(name);
      r.integer(last.time);
      r.integer(last.latency);
      r.integer(ev.max);
    }
  },
} as const satisfies CommandSpec;

const latencyHistory = {
  name: 'history',
  arity: 3,
  flags: ADMIN_NOSCRIPT,
  group: 'server',
  summary: 'Return timestamp-latency samples for the event.',
  since: '2.8.13',
  complexity: 'O(1)',
  arguments: [{ name: 'event', type: 'string' }],
  tips: LATENCY_TIPS,
  handler(client, argv) {
    const ev = client.server.observability.latencyEvents.get(argv[2]!);
    const r = client.reply;
    if (ev === undefined) {
      r.arrayHeader(0);
      return;
    }
    r.arrayHeader(ev.samples.length);
    for (const s of ev.samples) {
      r.arrayHeader(2);
      r.integer(s.time);
      r.integer(s.latency);
    }
  },
} as const satisfies CommandSpec;

const latencyReset = {
  name: 'reset',
  arity: -2,
  flags: ADMIN_NOSCRIPT,
  group: 'server',
  summary: 'Reset latency data for one or more events.',
  since: '2.8.13',
  complexity: 'O(1)',
  arguments: [{ name: 'event', type: 'string', optional: true, multiple: true }],
  tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
  handler(client, argv) {
    client.reply.integer(client.server.observability.resetLatency(argv.slice(2)));
  },
} as const satisfies CommandSpec;

/** Redis's LATENCY_GRAPH_COLS. */
const GRAPH_COLS = 80;

/** The header and a 4-row bar chart of the newest samples (Redis draws a sparkline of the same data). */
function latencyGraph(name: string, ev: LatencyEvent): string {
  const samples = ev.samples.slice(-GRAPH_COLS);
  let min = Infinity, max = 0;
  for (const s of samples) {
    if (s.latency < min) min = s.latency;
    if (s.latency > max) max = s.latency;
  }
  let out = `${name} - high ${max} ms, low ${min} ms (all time high ${ev.max} ms)\n${'-'.repeat(GRAPH_COLS)}\n`;
  const rows = 4;
  for (let row = rows; row >= 1; row--) {
    let line = '';
    for (const s of samples) {
      const level = max === min ? rows : Math.max(1, Math.ceil(((s.latency - min) / (max - min)) * rows));
      line += level >= row ? (level === row ? '_' : '|') : ' ';
    }
    out += line.replace(/\s+$/, '') + '\n';
  }
  return out;
}

const latencyGraphCmd = {
  name: 'graph',
  arity: 3,
  flags: ADMIN_NOSCRIPT,
  group: 'server',
  summary: 'Return a latency graph for the event.',
  since: '2.8.13',
  complexity: 'O(1)',
  arguments: [{ name: 'event', type: 'string' }],
  tips: LATENCY_TIPS,
  handler(client, argv) {
    const ev = client.server.observability.latencyEvents.get(argv[2]!);
    if (ev === undefined) throw new CommandError(`ERR No samples available for event '${argv[2]!}'`);
    client.reply.verbatim(latencyGraph(argv[2]!, ev));
  },
} as const satisfies CommandSpec;

/** Redis's "Dave" report: what spiked, how often, and what usually helps. */
function latencyDoctor(events: Map<string, LatencyEvent>, threshold: number): string {
  if (events.size === 0) {
    return threshold === 0
      ? "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n"
      : 'Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n';
  }
  let out = "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
  let i = 1;
  for (const [name, ev] of events) {
    const n = ev.samples.length;
    const avg = ev.samples.reduce((a, s) => a + s.latency, 0) / n;
    const dev = ev.samples.reduce((a, s) => a + Math.abs(s.latency - avg), 0) / n;
    const period = n > 1 ? Math.round((ev.samples[n - 1]!.time - ev.samples[0]!.time) / (n - 1)) : 0;
    out += `${i++}. ${name}: ${n} latency spikes (average ${Math.round(avg)}ms, mean deviation ${Math.round(dev)}ms, period ${period} sec). Worst all time event ${ev.max}ms.\n`;
  }
  out += '\nI have a few advices for you:\n\n';
  if (events.has('command') || events.has('fast-command')) {
    out +=
      '- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n' +
      '- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n';
  }
  if (events.has('aof-write')) {
    out += '- Writes to the append only file are slow: the disk is busy or slow. A faster disk, or appendfsync everysec instead of always, helps; with appendfsync no the kernel still has to write the data sooner or later.\n';
  }
  if (events.has('expire-cycle')) {
    out += '- Many keys (or sale holds) expire at the same moment: their deadlines are handled in batches between clients, but spreading the TTLs (adding some randomness) avoids the peak.\n';
  }
  if (events.has('eviction-cycle')) {
    out += '- Eviction is slow to bring memory under maxmemory: large values are being evicted, or a write grew memory by a lot at once. Consider a larger maxmemory or smaller values.\n';
  }
  out += '- The Node.js garbage collector can pause the event loop (the gc event): keep the number of small values per key low, and watch the p99.9 latency as the keyspace grows.\n';
  return out;
}

const latencyDoctorCmd = {
  name: 'doctor',
  arity: 2,
  flags: ADMIN_NOSCRIPT,
  group: 'server',
  summary: 'Return a human readable latency analysis report.',
  since: '2.8.13',
  complexity: 'O(1)',
  tips: LATENCY_TIPS,
  handler(client) {
    const server = client.server;
    client.reply.verbatim(latencyDoctor(server.observability.latencyEvents, server.config.num('latency-monitor-threshold')));
  },
} as const satisfies CommandSpec;

/** Redis's fillCommandCDF: calls and cumulative counts at each power-of-two bucket end that adds calls. */
function replyHistogram(client: Parameters<NonNullable<CommandSpec['handler']>>[0], name: string, h: LatencyHistogram): void {
  const r = client.reply;
  r.bulk(name);
  r.mapHeader(2);
  r.bulk('calls');
  r.integer(h.calls);
  r.bulk('histogram_usec');
  const buckets: [number, number][] = [];
  let previous = 0;
  for (let o = 0; o < OCTAVES; o++) {
    const cumulative = h.cumulativeToOctave(o);
    if (cumulative > previous) buckets.push([octaveLabelMicros(o), cumulative]);
    previous = cumulative;
    if (cumulative === h.calls) break;
  }
  r.mapHeader(buckets.length);
  for (const [label, count] of buckets) {
    r.integer(label);
    r.integer(count);
  }
}

const latencyHistogram = {
  name: 'histogram',
  arity: -2,
  flags: ADMIN_NOSCRIPT,
  group: 'server',
  summary: 'Return the cumulative distribution of latencies of a subset of commands or all.',
  since: '7.0.0',
  complexity: 'O(N) where N is the number of commands with latency information being retrieved.',
  arguments: [{ name: 'command', type: 'string', optional: true, multiple: true }],
  tips: LATENCY_TIPS,
  handler(client, argv) {
    const server = client.server;
    const histograms = server.observability.histograms;
    const chosen: [string, LatencyHistogram][] = [];
    const add = (name: string) => {
      const h = histograms.get(name);
      if (h !== undefined && h.calls > 0 && !chosen.some(([n]) => n === name)) chosen.push([name, h]);
    };
    if (argv.length === 2) {
      for (const name of histograms.keys()) add(name);
    } else {
      for (let i = 2; i < argv.length; i++) {
        const spec = lookupByFullName(server.table, argv[i]!);
        if (spec === undefined) continue;
        // A container stands for its subcommands
        if (spec.subcommands !== undefined) for (const sub of spec.subcommands) add(server.table.fullName(sub));
        add(server.table.fullName(spec));
      }
    }
    client.reply.mapHeader(chosen.length);
    for (const [name, h] of chosen) replyHistogram(client, name, h);
  },
} as const satisfies CommandSpec;

const latencyHelp = {
  name: 'help',
  arity: 2,
  flags: ['loading', 'stale'],
  group: 'server',
  summary: 'Show helpful text about the different subcommands.',
  since: '2.8.13',
  complexity: 'O(1)',
  handler(client) {
    replyHelp(client.reply, 'LATENCY', [
      'DOCTOR',
      '    Return a human readable latency analysis report.',
      'GRAPH <event>',
      '    Return an ASCII latency graph for the <event> class.',
      'HISTORY <event>',
      '    Return time-latency samples for the <event> class.',
      'LATEST',
      '    Return the latest latency samples for all events.',
      'RESET [<event> ...]',
      '    Reset latency data of one or more <event> classes.',
      '    (default: reset all data for all event classes)',
      'HISTOGRAM [COMMAND ...]',
      '    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.',
      '    If no commands are specified then all histograms are replied.',
    ]);
  },
} as const satisfies CommandSpec;

export const latency = {
  name: 'latency',
  arity: -2,
  flags: [],
  group: 'server',
  summary: 'A container for latency diagnostics commands',
  since: '2.8.13',
  complexity: 'Depends on subcommand.',
  subcommands: [latencyReset, latencyHistory, latencyDoctorCmd, latencyGraphCmd, latencyHelp, latencyHistogram, latencyLatest],
} as const satisfies CommandSpec;

export const observabilityCommands: readonly CommandSpec[] = [slowlog, latency];
