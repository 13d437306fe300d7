import type { Config } from '../config.js';
import type { CommandSpec } from '../dispatch/commandSpec.js';
import type { Client } from '../network/client.js';
import { LatencyHistogram } from './histogram.js';

/** One slow log entry (Redis's slowlogEntry). */
export interface SlowlogEntry {
  id: number;
  /** Unix time, seconds. */
  time: number;
  micros: number;
  argv: string[];
  peer: string;
  clientName: string;
}

/** Redis: SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING. */
const SLOWLOG_MAX_ARGC = 32;
const SLOWLOG_MAX_STRING = 128;

/** One LATENCY sample: the worst latency (ms) within one second. */
export interface LatencySample {
  time: number;
  latency: number;
}

/** Redis's latencyTimeSeries: the last 160 samples of an event and its all-time maximum. */
export interface LatencyEvent {
  samples: LatencySample[];
  max: number;
}

/** Redis: LATENCY_TS_LEN. */
const LATENCY_TS_LEN = 160;

/**
 * Arguments that must never be shown (Redis's redactClientCommandArgument): passwords of
 * AUTH, HELLO AUTH, ACL SETUSER rules, and sensitive CONFIG SET values.
 */
export function redactedArgv(fullName: string, argv: readonly string[]): string[] {
  const out = [...argv];
  if (fullName === 'auth') {
    for (let i = 1; i < out.length; i++) out[i] = '(redacted)';
  } else if (fullName === 'hello') {
    for (let i = 2; i < out.length; i++) {
      if (out[i]!.toUpperCase() === 'AUTH' && i + 2 < out.length) {
        out[i + 1] = out[i + 2] = '(redacted)';
        i += 2;
      }
    }
  } else if (fullName === 'acl|setuser') {
    for (let i = 2; i < out.length; i++) out[i] = '(redacted)';
  } else if (fullName === 'config|set') {
    for (let i = 2; i + 1 < out.length; i += 2) {
      const name = out[i]!.toLowerCase();
      if (name === 'requirepass' || name === 'masterauth' || name === 'tls-key-file-pass') out[i + 1] = '(redacted)';
    }
  }
  return out;
}

/**
 * The slow log, the latency monitor and per-command latency histograms, fed by one
 * dispatcher observer (every call, EXEC's commands included).
 */
export class Observability {
  readonly slowlog: SlowlogEntry[] = [];
  private nextSlowlogId = 0;
  readonly latencyEvents = new Map<string, LatencyEvent>();
  /** Per command (full name), created on its first call. */
  readonly histograms = new Map<string, LatencyHistogram>();
  private readonly bySpec = new Map<CommandSpec, LatencyHistogram>();

  // Settings read on every call, kept as fields (refreshed by CONFIG SET).
  private slowerThan = 0;
  private slowlogMax = 0;
  private latencyThreshold = 0;
  private tracking = true;

  constructor(
    config: Config,
    private readonly fullName: (spec: CommandSpec) => string,
  ) {
    const read = () => {
      this.slowerThan = config.num('slowlog-log-slower-than');
      this.slowlogMax = config.num('slowlog-max-len');
      this.latencyThreshold = config.num('latency-monitor-threshold');
      this.tracking = config.bool('latency-tracking');
      if (this.slowlog.length > this.slowlogMax) this.slowlog.length = this.slowlogMax;
    };
    read();
    config.onChange((name) => {
      if (name.startsWith('slowlog-') || name.startsWith('latency-')) read();
    });
  }

  /** The dispatcher observer: one call done, `micros` long. */
  readonly observe = (client: Client, spec: CommandSpec, argv: string[], micros: number): void => {
    if (this.tracking) {
      let h = this.bySpec.get(spec);
      if (h === undefined) {
        const name = this.fullName(spec);
        h = this.histograms.get(name);
        if (h === undefined) this.histograms.set(name, (h = new LatencyHistogram()));
        this.bySpec.set(spec, h);
      }
      h.record(micros * 1000);
    }
    if (this.slowerThan >= 0 && micros >= this.slowerThan && !spec.flags.includes('skip_slowlog')) {
      this.pushSlowlog(client, spec, argv, micros);
    }
    if (this.latencyThreshold > 0) {
      const ms = Math.floor(micros / 1000);
      // Redis: "fast-command" for commands flagged fast, "command" for the others
      if (ms >= this.latencyThreshold) this.addLatencySample(spec.flags.includes('fast') ? 'fast-command' : 'command', ms);
    }
  };

  /** Redis's slowlogPushEntryIfNeeded: at most 32 arguments, 128 bytes each, newest first. */
  private pushSlowlog(client: Client, spec: CommandSpec, argv: readonly string[], micros: number): void {
    if (this.slowlogMax === 0) return;
    const shown = redactedArgv(this.fullName(spec), argv);
    const argc = Math.min(shown.length, SLOWLOG_MAX_ARGC);
    const args: string[] = [];
    for (let i = 0; i < argc; i++) {
      if (argc !== shown.length && i === argc - 1) {
        args.push(`... (${shown.length - argc + 1} more arguments)`);
        break;
      }
      const a = shown[i]!;
      args.push(a.length > SLOWLOG_MAX_STRING ? `${a.slice(0, SLOWLOG_MAX_STRING)}... (${a.length - SLOWLOG_MAX_STRING} more bytes)` : a);
    }
    this.slowlog.unshift({
      id: this.nextSlowlogId++,
      time: Math.floor(Date.now() / 1000),
      micros: Math.floor(micros),
      argv: args,
      peer: client.remoteAddress,
      clientName: client.name,
    });
    if (this.slowlog.length > this.slowlogMax) this.slowlog.length = this.slowlogMax;
  }

  resetSlowlog(): void {
    this.slowlog.length = 0;
  }

  /**
   * Redis's latencyAddSampleIfNeeded, for the server's own events (aof-write, expire-cycle,
   * eviction-cycle, gc): a sample when latency-monitor-threshold is on and `ms` reaches it.
   */
  latencyIfOver(event: string, ms: number): void {
    if (this.latencyThreshold > 0 && ms >= this.latencyThreshold) this.addLatencySample(event, Math.floor(ms));
  }

  /** Redis's latencyAddSample: one sample per second (the worst), 160 kept, all-time max. */
  addLatencySample(event: string, ms: number): void {
    const now = Math.floor(Date.now() / 1000);
    let ev = this.latencyEvents.get(event);
    if (ev === undefined) this.latencyEvents.set(event, (ev = { samples: [], max: 0 }));
    if (ms > ev.max) ev.max = ms;
    const last = ev.samples[ev.samples.length - 1];
    if (last !== undefined && last.time === now) {
      if (ms > last.latency) last.latency = ms;
      return;
    }
    ev.samples.push({ time: now, latency: ms });
    if (ev.samples.length > LATENCY_TS_LEN) ev.samples.shift();
  }

  /** LATENCY RESET: the named events (all when none); how many existed. */
  resetLatency(events: readonly string[]): number {
    if (events.length === 0) {
      const n = this.latencyEvents.size;
      this.latencyEvents.clear();
      return n;
    }
    let n = 0;
    for (const e of events) if (this.latencyEvents.delete(e)) n++;
    return n;
  }

  /** CONFIG RESETSTAT clears the per-command histograms, as Redis does. */
  resetHistograms(): void {
    for (const h of this.histograms.values()) h.reset();
  }
}
