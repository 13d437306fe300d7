import os from 'node:os';
import { PerformanceObserver, monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { CommandEntry } from '../dispatch/commandTable.js';
import type { Client } from '../network/client.js';
import { Err } from '../protocol/errors.js';
import type { Server } from '../server.js';
import { lazyFreeStats, lruStampAt } from '../keyspace/database.js';
import { arenaStats } from './arenas.js';
import { Evictor, type MaxmemoryPolicy } from './eviction.js';

/** What a connection costs besides its buffers (Redis counts its client struct too). */
const CLIENT_BASE_BYTES = 4096;

/** Clients smaller than this are never evicted (Redis's smallest memory bucket). */
const CLIENT_EVICT_MIN_BYTES = 32 * 1024;

/** How far the V8 heap may grow past its live size before a full GC, with maxmemory set. */
const HEAP_GROWING_PERCENT = 10;

/** Idle-time GC (collectWhileIdle): at most this often, this far from a deadline, after this much heap growth. */
const IDLE_GC_MIN_INTERVAL_MS = 10_000;
const IDLE_GC_DEADLINE_MARGIN_MS = 100;
const IDLE_GC_GROWTH = 16 * 1024 * 1024;
/**
 * A forced collection is not incremental: its pause grows with the live heap (about 8 ms at
 * 40 MB). Above this heap size (many large aggregates) V8's own incremental marking is left
 * to it.
 */
const IDLE_GC_MAX_HEAP = 128 * 1024 * 1024;

/** performEvictions' outcome (Redis's EVICT_OK, EVICT_RUNNING, EVICT_FAIL). */
export const EVICT_OK = 0;
export const EVICT_RUNNING = 1;
export const EVICT_FAIL = 2;
export type EvictResult = typeof EVICT_OK | typeof EVICT_RUNNING | typeof EVICT_FAIL;

/**
 * Commands a client in MULTI may still send when out of memory (Redis's processCommand), by
 * full name (CommandEntry.fullName): Redis tests the proc, so SLOWLOG RESET is not RESET.
 */
const OOM_EXEMPT_IN_MULTI = new Set(['exec', 'discard', 'quit', 'reset']);

/** Redis's bytesToHuman. */
export function bytesToHuman(n: number): string {
  if (n < 1024) return `${n}B`;
  const units = ['K', 'M', 'G', 'T', 'P'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(2)}${units[u]}`;
}

export interface MemorySnapshot {
  /** used_memory: the dataset estimate plus clients' buffers. */
  used: number;
  dataset: number;
  clients: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/**
 * Bounded memory (issue 6). used_memory is the keyspace's own estimate of its keys and
 * values (src/memory/sizes.ts, kept by Database on every write) plus what clients hold in
 * query and output buffers; maxmemory bounds the dataset part, and eviction runs before
 * every command while it is over, as Redis's performEvictions does from processCommand.
 * The process's fixed base (the Node runtime, code, the empty tables: about 60 MB of RSS)
 * is not counted, as Redis does not count its binary.
 */
export class MemoryManager {
  readonly evictor: Evictor;
  /** maxmemory in bytes; 0 is no limit. */
  maxmemory = 0;
  private peak = 0;
  private peakAt = Date.now();
  /** OOM replies given (for INFO). */
  oomRejections = 0;
  /** Times performEvictions ran over the limit, and time spent evicting (INFO stats). */
  evictionRuns = 0;
  evictionMicros = 0;
  /** Event-loop delay (perf_hooks): its max is the longest stall any client saw. */
  private readonly loopDelay: IntervalHistogram;
  /** GC pauses seen by a PerformanceObserver: count and longest, minor and major. */
  readonly gc = { minor: 0, major: 0, maxPauseMs: 0, totalPauseMs: 0 };
  private readonly gcObserver: PerformanceObserver;

  constructor(private readonly server: Server) {
    this.loopDelay = monitorEventLoopDelay({ resolution: 10 });
    this.loopDelay.enable();
    this.gcObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
        // NODE_PERFORMANCE_GC_MINOR = 1 (scavenge); the others are mark-compact and friends
        if (kind === 1) this.gc.minor++;
        else this.gc.major++;
        this.gc.totalPauseMs += e.duration;
        if (e.duration > this.gc.maxPauseMs) this.gc.maxPauseMs = e.duration;
        // Not a Redis event: Node's stop-the-world pauses, for LATENCY LATEST and DOCTOR.
        server.observability.latencyIfOver('gc', e.duration);
      }
    });
    this.gcObserver.observe({ entryTypes: ['gc'] });
    server.shutdownHooks.push(() => this.stop());
    this.evictor = new Evictor(server.keyspace);
    const config = server.config;
    this.apply('maxmemory', config.num('maxmemory'));
    this.apply('maxmemory-policy', config.str('maxmemory-policy'));
    this.apply('maxmemory-samples', config.num('maxmemory-samples'));
    this.apply('maxmemory-eviction-tenacity', config.num('maxmemory-eviction-tenacity'));
    this.apply('lfu-log-factor', config.num('lfu-log-factor'));
    this.apply('lfu-decay-time', config.num('lfu-decay-time'));
    config.onChange((name, value) => this.apply(name, value));
    // INFO memory: every field comes from here (the extension replaces the built-in ones).
    server.infoSections.set('memory', () => this.infoFields());
    const stats = server.infoSections.get('stats');
    const evicted = (): [string, number][] => [
      ['evicted_clients', this.evictedClients],
      // Redis 7: how long the data was over maxmemory, in all and in the current stretch.
      ['total_eviction_exceeded_time', this.overTotalMs + this.overNowMs()],
      ['current_eviction_exceeded_time', this.overNowMs()],
    ];
    server.infoSections.set('stats', stats === undefined ? evicted : () => [...stats(), ...evicted()]);
  }

  private apply(name: string, value: unknown): void {
    const lru = this.server.keyspace.lru;
    switch (name) {
      case 'maxmemory':
        this.maxmemory = value as number;
        // V8 lets the old generation grow up to 4x its live size before a full GC by default:
        // garbage (overwritten and evicted values, request buffers) would then dwarf the data
        // maxmemory bounds. With a limit set, a full GC starts once the heap grew by a fifth
        // instead (read by V8 after every GC, so it applies at run time). More frequent
        // major GCs cost CPU, but marking is concurrent and the data outside the heap
        // (the arenas) is not marked at all. Without a limit V8's own heuristics stay.
        if (this.maxmemory > 0) v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
        // Redis: lowering maxmemory below the data evicts at once (CONFIG SET).
        if (this.maxmemory > 0) this.performEvictions();
        break;
      case 'maxmemory-policy':
        this.evictor.policy = value as MaxmemoryPolicy;
        this.evictor.reset();
        lru.lfu = (value as string).endsWith('-lfu');
        break;
      case 'maxmemory-eviction-tenacity':
        this.tenacity = value as number;
        break;
      case 'maxmemory-samples':
        this.evictor.samples = value as number;
        break;
      case 'lfu-log-factor':
        lru.lfuLogFactor = value as number;
        break;
      case 'lfu-decay-time':
        lru.lfuDecayTime = value as number;
        break;
    }
  }

  /**
   * The dispatcher's gate, for every command while maxmemory is set (Redis's
   * processCommand): refresh the LRU stamp, evict what is over, and refuse a command that
   * may grow memory (denyoom, or anything queued in MULTI) when nothing more could go.
   * Returns the error to reply, or null.
   */
  beforeCommand(client: Client, entry: CommandEntry): string | null {
    const ks = this.server.keyspace;
    ks.lru.stamp = lruStampAt(this.server.clock.now());
    // Redis: only a failed eviction refuses commands; one still running (time-sliced) does not.
    if (ks.lru.datasetBytes <= this.maxmemory || this.performEvictions() !== EVICT_FAIL) return null;
    let reject = entry.spec.flags.includes('denyoom');
    if (client.multi !== null) {
      if (entry.fullName === 'exec') reject = client.multi.queue.some((q) => q.spec.flags.includes('denyoom'));
      else if (!OOM_EXEMPT_IN_MULTI.has(entry.fullName)) reject = true;
    }
    if (!reject) return null;
    this.oomRejections++;
    return Err.oom;
  }

  /** maxmemory-eviction-tenacity (Redis's): how long one performEvictions may run. */
  private tenacity = 10;
  /** Evictions continue between clients (Redis's eviction time proc) while this is set. */
  private evictionContinuation: NodeJS.Immediate | null = null;

  /** Redis's evictionTimeLimitUs, in ms: 500 µs at the default tenacity 10, no limit at 100. */
  private evictionTimeLimitMs(): number {
    const t = this.tenacity;
    if (t <= 10) return (50 * t) / 1000;
    if (t < 100) return (500 * Math.pow(1.15, t - 10)) / 1000;
    return Infinity;
  }

  /**
   * Redis's performEvictions: evicts through the removal funnel (evicted_keys, `evicted`
   * events, WATCH, the log) until the dataset fits, for at most evictionTimeLimitMs: a big
   * drop (CONFIG SET maxmemory far below the data, one huge value) goes on in slices between
   * clients (EVICT_RUNNING) instead of stopping the server (3,000,000 keys evicted at once
   * held it 21 s). EVICT_FAIL when it still does not fit and nothing more may be evicted
   * (noeviction, only sale keys, no volatile keys).
   */
  performEvictions(): EvictResult {
    const ks = this.server.keyspace;
    if (this.maxmemory === 0 || ks.lru.datasetBytes <= this.maxmemory) {
      if (this.overSince !== 0) this.noteOver(false);
      return EVICT_OK;
    }
    // Nothing is evicted while the log loads (Redis: not while loading).
    if (this.server.dispatcher.loading) return EVICT_OK;
    const start = performance.now();
    const limit = this.evictionTimeLimitMs();
    this.evictionRuns++;
    let result: EvictResult = EVICT_OK;
    let freed = 0;
    while (ks.lru.datasetBytes > this.maxmemory) {
      const victim = this.evictor.selectVictim();
      if (victim === null) {
        result = EVICT_FAIL;
        break;
      }
      ks.deleteKeyAndNotify(victim.db, victim.key, 'evicted');
      // Redis looks at the clock every 16 keys.
      if (++freed % 16 === 0 && performance.now() - start > limit) {
        this.continueEvictions();
        result = EVICT_RUNNING;
        break;
      }
    }
    this.noteOver(result !== EVICT_OK);
    const ms = performance.now() - start;
    this.evictionMicros += ms * 1000;
    this.server.observability.latencyIfOver('eviction-cycle', ms);
    return result;
  }

  /** Redis's startEvictionTimeProc: another slice after pending I/O, until the data fits. */
  private continueEvictions(): void {
    if (this.evictionContinuation !== null) return;
    this.evictionContinuation = setImmediate(() => {
      this.evictionContinuation = null;
      this.performEvictions();
    });
  }

  /** Since when the data is over maxmemory (0: it fits), and the total ms it was (INFO stats). */
  private overSince = 0;
  private overTotalMs = 0;

  /** How long the current stretch over maxmemory has lasted (0 when the data fits). */
  private overNowMs(): number {
    return this.overSince !== 0 ? Date.now() - this.overSince : 0;
  }

  private noteOver(over: boolean): void {
    if (over) {
      if (this.overSince === 0) this.overSince = Date.now();
    } else if (this.overSince !== 0) {
      this.overTotalMs += Date.now() - this.overSince;
      this.overSince = 0;
    }
  }

  /** Clients disconnected by maxmemory-clients (INFO stats evicted_clients). */
  evictedClients = 0;

  /** maxmemory-clients in bytes (a percentage is of maxmemory), 0 when off. */
  clientsLimit(): number {
    const v = this.server.config.str('maxmemory-clients');
    if (v.endsWith('%')) return Math.floor((this.maxmemory * Number(v.slice(0, -1))) / 100);
    return Number(v);
  }

  /**
   * Redis 7's client eviction: once all clients together hold more than maxmemory-clients
   * (buffers plus a fixed cost each), the ones holding the most are disconnected until they
   * fit, except those that ran CLIENT NO-EVICT ON and those under 32 KB. Run from the
   * server cron (Redis also runs it before each command).
   */
  evictClients(): void {
    const limit = this.clientsLimit();
    if (limit === 0) return;
    let total = 0;
    const candidates: [number, Client][] = [];
    for (const c of this.server.clients.values()) {
      const bytes = CLIENT_BASE_BYTES + c.parser.bufferedBytes + c.outputBytes;
      total += bytes;
      // Redis: clients under 32 KB are never evicted (CLIENT_MEM_USAGE_BUCKET_MIN)
      if (!c.noEvict && bytes >= CLIENT_EVICT_MIN_BYTES) candidates.push([bytes, c]);
    }
    if (total < limit) return;
    candidates.sort((a, b) => b[0] - a[0]);
    for (const [bytes, c] of candidates) {
      if (total < limit) break;
      this.server.log('verbose', `Evicting client: id=${c.id} (${bytes} bytes)`);
      c.close();
      total -= bytes;
      this.evictedClients++;
    }
  }

  /** Redis's serverCron share: the peak, client eviction, an idle-time GC. */
  cron(): void {
    this.notePeak();
    this.evictClients();
    this.collectWhileIdle();
  }

  /** Commands seen at the last cron tick, and ticks in a row without any since. */
  private commandsAtTick = 0;
  private quietTicks = 0;
  private lastIdleGcAt = 0;
  /** V8 heap in use after the last idle-time collection (0 before the first). */
  private heapAfterGc = 0;
  private fullGc: (() => void) | null = null;
  /** Full idle-time collections done (INFO memory gc_idle_count). */
  idleGcs = 0;

  /**
   * Idle-time GC, as V8 does it in Chrome's idle periods and Node does not: after a burst
   * of commands left garbage in the old generation, V8 collects it whenever its heuristics
   * say so, often in the middle of the next burst or of a run of deadlines (a 7.8 ms
   * Mark-Compact while 100,000 sale holds expired delayed them by as much). When the server
   * has been quiet for two cron ticks, no deadline is due within 100 ms, and the heap grew
   * by 16 MB since the last idle one (to at most 128 MB), one runs now instead, at
   * most every 10 s. Measured, hold expiry lag over six runs each (bench/sections/sale.mjs):
   * p99 of the lot becoming available 3.8-5.5 ms, against 4.4-8.2 ms and one 51 ms without.
   */
  private collectWhileIdle(): void {
    const server = this.server;
    const commands = server.dispatcher.totalCommands;
    if (commands !== this.commandsAtTick) {
      this.commandsAtTick = commands;
      this.quietTicks = 0;
      return;
    }
    if (++this.quietTicks !== 2) return;
    const now = Date.now();
    if (now - this.lastIdleGcAt < IDLE_GC_MIN_INTERVAL_MS || server.scheduler.peek() - now < IDLE_GC_DEADLINE_MARGIN_MS) return;
    const used = v8.getHeapStatistics().used_heap_size;
    if (used - this.heapAfterGc < IDLE_GC_GROWTH || used > IDLE_GC_MAX_HEAP) return;
    if (this.fullGc === null) {
      // The only way a script can start a full collection: --expose-gc set at run time
      // exposes gc() to contexts created after it.
      v8.setFlagsFromString('--expose-gc');
      this.fullGc = vm.runInNewContext('gc') as () => void;
    }
    this.lastIdleGcAt = now;
    this.idleGcs++;
    this.fullGc();
    this.heapAfterGc = v8.getHeapStatistics().used_heap_size;
  }

  /** Stops watching the event loop and the GC (server close). */
  stop(): void {
    if (this.evictionContinuation !== null) clearImmediate(this.evictionContinuation);
    this.evictionContinuation = null;
    this.loopDelay.disable();
    this.gcObserver.disconnect();
  }

  /** Bytes clients hold in query and output buffers (Redis's mem_clients_normal). */
  clientsBytes(): number {
    let n = 0;
    for (const c of this.server.clients.values()) n += c.parser.bufferedBytes + c.outputBytes;
    return n;
  }

  snapshot(): MemorySnapshot {
    const mem = process.memoryUsage();
    const dataset = this.server.keyspace.lru.datasetBytes;
    const clients = this.clientsBytes();
    const used = dataset + clients;
    this.notePeak(used);
    return {
      used,
      dataset,
      clients,
      rss: mem.rss,
      heapUsed: mem.heapUsed,
      heapTotal: mem.heapTotal,
      external: mem.external,
      arrayBuffers: mem.arrayBuffers,
    };
  }

  notePeak(used = this.server.keyspace.lru.datasetBytes): void {
    if (used > this.peak) {
      this.peak = used;
      this.peakAt = Date.now();
    }
  }

  get peakBytes(): number {
    // Writes keep the dataset's own peak; clients' buffers are sampled here and by the cron.
    const dataset = this.server.keyspace.lru.datasetPeak;
    return dataset > this.peak ? dataset : this.peak;
  }

  /** CONFIG RESETSTAT: the peak starts over from now. */
  resetStats(): void {
    this.peak = 0;
    this.server.keyspace.lru.datasetPeak = this.server.keyspace.lru.datasetBytes;
    this.notePeak();
    this.oomRejections = 0;
    this.evictedClients = 0;
    this.overTotalMs = 0;
    if (this.overSince !== 0) this.overSince = Date.now();
    this.evictionRuns = 0;
    this.evictionMicros = 0;
    this.loopDelay.reset();
    this.gc.minor = this.gc.major = this.gc.maxPauseMs = this.gc.totalPauseMs = 0;
  }

  infoFields(): [string, string | number][] {
    const s = this.snapshot();
    const total = os.totalmem();
    const policy = this.server.config.str('maxmemory-policy');
    const heap = v8.getHeapStatistics();
    const perc = (a: number, b: number) => `${b === 0 ? '0.00' : ((a * 100) / b).toFixed(2)}%`;
    const frag = s.used === 0 ? 0 : s.rss / s.used;
    const arenas = arenaStats();
    return [
      ['used_memory', s.used],
      ['used_memory_human', bytesToHuman(s.used)],
      ['used_memory_rss', s.rss],
      ['used_memory_rss_human', bytesToHuman(s.rss)],
      ['used_memory_peak', this.peakBytes],
      ['used_memory_peak_human', bytesToHuman(this.peakBytes)],
      ['used_memory_peak_perc', perc(s.used, this.peakBytes)],
      ['used_memory_overhead', s.clients],
      ['used_memory_startup', 0],
      ['used_memory_dataset', s.dataset],
      ['used_memory_dataset_perc', perc(s.dataset, s.used)],
      // The V8 view: the heap in use (data and garbage), its committed size, memory outside it.
      ['used_memory_vm_heap', s.heapUsed],
      ['used_memory_vm_heap_total', s.heapTotal],
      ['used_memory_vm_heap_limit', heap.heap_size_limit],
      ['used_memory_vm_external', s.external],
      ['allocator_allocated', s.heapUsed + s.external],
      ['allocator_active', s.heapTotal + s.external],
      ['allocator_resident', s.rss],
      ['total_system_memory', total],
      ['total_system_memory_human', bytesToHuman(total)],
      ['maxmemory', this.maxmemory],
      ['maxmemory_human', bytesToHuman(this.maxmemory)],
      ['maxmemory_policy', policy],
      ['mem_fragmentation_ratio', frag.toFixed(2)],
      ['mem_fragmentation_bytes', s.rss - s.used],
      ['mem_not_counted_for_evict', s.clients],
      ['mem_replication_backlog', 0],
      ['mem_clients_slaves', 0],
      ['mem_clients_normal', s.clients],
      ['mem_aof_buffer', 0],
      ['mem_allocator', `v8-${process.versions.v8}`],
      ['active_defrag_running', 0],
      ['lazyfree_pending_objects', lazyFreeStats.pending],
      ['lazyfreed_objects', lazyFreeStats.freed],
      // Holdfast: what the runtime costs in pauses (since start or CONFIG RESETSTAT)
      ['eventloop_max_stall_ms', (this.loopDelay.max / 1e6).toFixed(2)],
      ['eventloop_p99_delay_ms', (this.loopDelay.percentile(99) / 1e6).toFixed(2)],
      ['gc_minor_count', this.gc.minor],
      ['gc_major_count', this.gc.major],
      ['gc_max_pause_ms', this.gc.maxPauseMs.toFixed(2)],
      ['gc_total_pause_ms', this.gc.totalPauseMs.toFixed(0)],
      ['gc_idle_count', this.idleGcs],
      // The keyspace's arena slabs (src/memory/arenas.ts): reserved, and handed out to slots.
      ['arena_slab_bytes', arenas.slabBytes],
      ['arena_used_bytes', arenas.inUse + arenas.largeBytes],
      ['eviction_runs', this.evictionRuns],
      ['eviction_total_usec', Math.round(this.evictionMicros)],
    ];
  }

  /** Seconds since the peak was reached (MEMORY DOCTOR). */
  get peakAgeSeconds(): number {
    return Math.floor((Date.now() - this.peakAt) / 1000);
  }
}
