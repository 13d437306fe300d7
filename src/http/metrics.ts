import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Server } from '../server.js';
import type { SaleValue } from '../sale/sale.js';
import { SUB_BUCKETS, type LatencyHistogram } from '../observability/histogram.js';

type MetricType = 'counter' | 'gauge' | 'histogram';

interface Sample {
  value: number;
  labels?: Record<string, string | number>;
  metricName?: string;
}

/**
 * A metric whose values are read when Prometheus scrapes (prom-client's Registry calls
 * get()): nothing is recorded on the command path beyond what the server already counts.
 */
class LazyMetric {
  readonly aggregator = 'sum';
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: MetricType,
    private readonly collect: () => Sample[],
  ) {}
  get(): Promise<{ name: string; help: string; type: MetricType; values: Sample[]; aggregator: string }> {
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values: this.collect(), aggregator: this.aggregator });
  }
  reset(): void {}
}

/** Histogram bucket bounds exported (seconds): the ends of the histograms' octaves, 1.024 µs to about 17 s. */
const EXPORTED_OCTAVES = 25;

function histogramSamples(name: string, labels: Record<string, string>, h: LatencyHistogram): Sample[] {
  const out: Sample[] = [];
  let cumulative = 0;
  for (let o = 0; o < EXPORTED_OCTAVES; o++) {
    for (let i = o * SUB_BUCKETS; i < (o + 1) * SUB_BUCKETS; i++) cumulative += h.counts[i]!;
    out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: String((1024 * 2 ** o) / 1e9) }, value: cumulative });
  }
  out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: h.calls });
  out.push({ metricName: `${name}_sum`, labels, value: h.sumNs / 1e9 });
  out.push({ metricName: `${name}_count`, labels, value: h.calls });
  return out;
}

/** Numbers of an INFO section a subsystem contributes (persistence), as gauges. */
function numericInfoFields(server: Server, section: string): [string, number][] {
  const fields = server.infoSections.get(section)?.() ?? [];
  const out: [string, number][] = [];
  for (const [k, v] of fields) {
    const n = typeof v === 'number' ? v : Number(v);
    if (v !== '' && Number.isFinite(n) && /^[a-z_][a-z0-9_]*$/.test(k)) out.push([k, n]);
  }
  return out;
}

/**
 * The Prometheus registry of one server: commands and per-command latency histograms,
 * clients, keys per database, expired and evicted keys, memory, persistence state, ACL
 * denials, flash-sale counters per sale key, plus Node's process metrics (event loop lag,
 * GC, heap) from prom-client's defaults.
 */
export function createMetricsRegistry(server: Server): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'holdfast_' });
  const add = (name: string, help: string, type: MetricType, collect: () => Sample[]) =>
    registry.registerMetric(new LazyMetric(`holdfast_${name}`, help, type, collect) as never);
  const one = (value: number): Sample[] => [{ value }];

  add('up', 'Whether the server is serving (0 while loading or shutting down)', 'gauge', () => one(server.dispatcher.loading || server.shuttingDown ? 0 : 1));
  add('uptime_seconds', 'Seconds since the server started', 'gauge', () => one(Math.floor((Date.now() - server.stats.startedAt) / 1000)));
  add('connected_clients', 'Client connections', 'gauge', () => one(server.clients.size - server.monitors.size));
  add('blocked_clients', 'Clients waiting in a blocking command', 'gauge', () => {
    let n = 0;
    for (const c of server.clients.values()) if (c.blocked) n++;
    return one(n);
  });
  add('paused_clients', 'Clients held by CLIENT PAUSE', 'gauge', () => one(server.pause.pausedClients));
  add('maxclients', 'The maxclients setting', 'gauge', () => one(server.config.num('maxclients')));
  add('connections_received_total', 'Connections accepted', 'counter', () => one(server.stats.totalConnections));
  add('rejected_connections_total', 'Connections refused (maxclients, protected mode)', 'counter', () => one(server.stats.rejectedConnections));
  add('net_input_bytes_total', 'Bytes read from clients', 'counter', () => one(server.stats.netInputBytes));
  add('net_output_bytes_total', 'Bytes written to clients', 'counter', () => one(server.stats.netOutputBytes ?? 0));
  add('commands_processed_total', 'Commands run', 'counter', () => one(server.dispatcher.totalCommands));
  add('error_replies_total', 'Error replies sent', 'counter', () => one(server.dispatcher.errorReplies));
  add('commands_total', 'Calls per command', 'counter', () =>
    [...server.dispatcher.stats].map(([cmd, s]) => ({ labels: { cmd }, value: s.calls })),
  );
  add('commands_failed_total', 'Calls per command that replied with an error', 'counter', () =>
    [...server.dispatcher.stats].map(([cmd, s]) => ({ labels: { cmd }, value: s.failedCalls })),
  );
  add('commands_rejected_total', 'Calls per command refused before running (arity, ACL, NOAUTH...)', 'counter', () =>
    [...server.dispatcher.stats].map(([cmd, s]) => ({ labels: { cmd }, value: s.rejectedCalls })),
  );
  add('command_duration_seconds', 'Command run time per command', 'histogram', () => {
    const out: Sample[] = [];
    for (const [cmd, h] of server.observability.histograms) {
      if (h.calls > 0) out.push(...histogramSamples('holdfast_command_duration_seconds', { cmd }, h));
    }
    return out;
  });
  add('db_keys', 'Keys per database', 'gauge', () =>
    server.keyspace.dbs.filter((db) => db.size > 0).map((db) => ({ labels: { db: db.index }, value: db.size })),
  );
  add('db_keys_expiring', 'Keys with a time to live per database', 'gauge', () =>
    server.keyspace.dbs.filter((db) => db.size > 0).map((db) => ({ labels: { db: db.index }, value: db.expiresCount })),
  );
  const ks = server.keyspace.stats;
  add('expired_keys_total', 'Keys removed because their time to live ended', 'counter', () => one(ks.expiredKeys));
  add('evicted_keys_total', 'Keys removed by the maxmemory policy', 'counter', () => one(ks.evictedKeys));
  add('keyspace_hits_total', 'Key lookups that found the key', 'counter', () => one(ks.keyspaceHits));
  add('keyspace_misses_total', 'Key lookups that did not find the key', 'counter', () => one(ks.keyspaceMisses));
  add('memory_used_bytes', 'V8 heap in use (what INFO used_memory shows)', 'gauge', () => one(process.memoryUsage().heapUsed));
  add('memory_rss_bytes', 'Resident set size of the process', 'gauge', () => one(process.memoryUsage().rss));
  add('maxmemory_bytes', 'The maxmemory setting (0: none)', 'gauge', () => one(server.config.num('maxmemory')));
  add('pubsub_channels', 'Channels with subscribers', 'gauge', () => one(server.broker.channels.size));
  add('pubsub_patterns', 'Patterns with subscribers', 'gauge', () => one(server.broker.patterns.size));
  add('acl_denied_total', 'Commands and logins refused by ACL, by reason', 'counter', () =>
    Object.entries(server.acl.denied).map(([reason, value]) => ({ labels: { reason }, value })),
  );
  add('loading', 'Whether the dataset is being loaded', 'gauge', () => one(server.dispatcher.loading ? 1 : 0));
  add('persistence', 'Numeric fields of INFO persistence, by field', 'gauge', () =>
    numericInfoFields(server, 'persistence').map(([field, value]) => ({ labels: { field }, value })),
  );
  const sales = liveSales(server);
  add('sale', 'Flash-sale counters per sale key (lots, available, held, purchased, confirmed, expired_holds, users)', 'gauge', () => {
    const out: Sample[] = [];
    for (const sale of sales()) {
      const info = sale.info();
      const labels = { db: sale.db!.index, key: sale.key };
      for (const [field, value] of Object.entries({
        lots: info.lots, available: info.available, held: info.held, purchased: info.purchased,
        confirmed: info.confirmed, expired_holds: info.expiredHolds, users: info.users,
      })) {
        out.push({ labels: { ...labels, field }, value });
      }
    }
    return out;
  });
  return registry;
}

/**
 * The sales currently stored in the keyspace: every sale passes SaleRuntime.attach when it
 * is created or loaded; a deleted one is disposed (its onEvent cleared). Held weakly so the
 * registry never keeps a deleted sale alive.
 */
function liveSales(server: Server): () => SaleValue[] {
  const seen = new Set<WeakRef<SaleValue>>();
  server.sales.onAttach.push((sale) => seen.add(new WeakRef(sale)));
  return () => {
    const out: SaleValue[] = [];
    for (const ref of seen) {
      const sale = ref.deref();
      if (sale === undefined || sale.onEvent === null) seen.delete(ref);
      else if (sale.db !== null) out.push(sale);
    }
    return out;
  };
}

