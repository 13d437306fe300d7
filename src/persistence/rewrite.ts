import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import type { Client } from '../network/client.js';
import type { CommandSpec } from '../dispatch/commandSpec.js';
import { getKeyPositions } from '../dispatch/commandTable.js';
import type { Database } from '../keyspace/database.js';
import { SLOT_COUNT, keyHashSlot } from '../keyspace/slot.js';
import type { Value } from '../keyspace/values.js';
import type { Server } from '../server.js';
import { parseStrictInt } from '../util/numbers.js';
import type { FileSystem } from './fileSystem.js';
import { ChunkStream, encodeRecord } from './records.js';
import type { RecordSink, Propagator } from './propagation.js';
import type { Replacement } from './appendLog.js';
import { SALE_RESTORE } from './internalRecords.js';

/** Elements per record for large values (Redis's AOF_REWRITE_ITEMS_PER_CMD). */
export const ITEMS_PER_RECORD = 64;
/** Event-loop time one slice of the walk may take before letting clients in. */
const SLICE_MS = 2;
/** Output accumulated before it is handed to the threadpool for writing. */
const WRITE_CHUNK = 1 << 20;

export interface RewriteProgress {
  keysWritten: number;
  keysTotal: number;
}

/**
 * BGREWRITEAOF without fork: a compact image of the dataset written while the server keeps
 * serving, then switched in atomically.
 *
 * The walk goes database by database, hash slot by hash slot (Database.slotKeys), a slice
 * of ~2 ms at a time, writing each key as the few records that rebuild it (SET; RPUSH /
 * HSET / SADD / ZADD of 64 elements per record; a sale's snapshot; PEXPIREAT for a TTL).
 * Writes made meanwhile keep going to the log as usual, and also into this file, which is
 * one stream in time order of walked slots and live records:
 *
 * - before a write command runs, the slots of its keys not walked yet are walked first
 *   (their state before the command), so the command's record always follows the image of
 *   every key it touches;
 * - a record outside a command (an expired key's DEL) whose keys are all in walked slots
 *   is copied; one whose slots are not walked yet is not needed (the walk will see the
 *   result); a mix is written as the current value of the keys involved.
 *
 * Replaying the file in order therefore rebuilds exactly the dataset as it is when the
 * walk ends. Keyless records (FLUSHALL, FLUSHDB, SWAPDB) are copied too, and slots are
 * written under the database number they have when walked, so they land right after a
 * SWAPDB replayed before them.
 */
export class Rewrite implements RecordSink {
  readonly startedAt = Date.now();
  readonly progress: RewriteProgress = { keysWritten: 0, keysTotal: 0 };
  /** Longest event-loop stall seen while this rewrite ran, in microseconds. */
  maxStallUsec = 0;
  private readonly stream = new ChunkStream();
  private readonly walked = new Map<Database, Uint8Array>();
  private readonly dbs: Database[];
  private size = 0;
  private aborted = false;
  private readonly stall: IntervalHistogram;

  constructor(
    private readonly server: Server,
    private readonly fs: FileSystem,
    readonly tempPath: string,
    private readonly fd: number,
  ) {
    this.dbs = [...server.keyspace.dbs];
    for (const db of this.dbs) {
      this.walked.set(db, new Uint8Array(SLOT_COUNT));
      this.progress.keysTotal += db.size;
    }
    this.stall = monitorEventLoopDelay({ resolution: 1 });
    this.stall.enable();
  }

  get stallNowUsec(): number {
    return Math.max(this.maxStallUsec, Math.round(this.stall.max / 1000));
  }

  /**
   * Walks the whole keyspace, then writes the rest and fsyncs; resolves with the file
   * ready to replace the log. The caller detaches the rewrite from propagation in the
   * same tick the promise resolves (no record may be missed in between).
   */
  async run(propagator: Propagator): Promise<Replacement> {
    try {
      for (const db of this.dbs) {
        const walked = this.walked.get(db)!;
        if (db.size === 0) {
          // Nothing to write; later writes to it are copied as they come.
          walked.fill(1);
          continue;
        }
        let slot = 0;
        while (slot < SLOT_COUNT) {
          if (this.aborted) throw new Error('rewrite aborted');
          const sliceEnd = performance.now() + SLICE_MS;
          do this.walkSlot(db, slot++);
          while (slot < SLOT_COUNT && this.stream.length < WRITE_CHUNK && performance.now() < sliceEnd);
          await this.drain();
          await new Promise<void>((r) => setImmediate(r));
        }
      }
      await this.drain();
      // The bulk of the file reaches the disk while clients keep writing.
      await this.fs.datasync(this.fd);
      if (this.aborted) throw new Error('rewrite aborted');
      // From here on, synchronous to the end: the last records, then the hand-over.
      for (const rest of this.stream.take()) {
        this.fs.writeSync(this.fd, rest, this.size);
        this.size += rest.length;
      }
      propagator.sinks = propagator.sinks.filter((s) => s !== this);
      propagator.beforeWrite = null;
      this.finishStallProbe();
      return { fd: this.fd, size: this.size, selectedDb: this.stream.selectedDb, tempPath: this.tempPath };
    } catch (err) {
      propagator.sinks = propagator.sinks.filter((s) => s !== this);
      propagator.beforeWrite = null;
      this.finishStallProbe();
      this.discard();
      throw err;
    }
  }

  abort(): void {
    this.aborted = true;
  }

  private finishStallProbe(): void {
    this.stall.disable();
    this.maxStallUsec = this.stallNowUsec;
  }

  /** Removes the temporary file; its blocks are freed by the close, off the event loop. */
  private discard(): void {
    try {
      this.fs.unlink(this.tempPath);
    } catch {
      /* already gone */
    }
    this.fs.closeInBackground(this.fd).catch(() => undefined);
  }

  /** Hands the output so far to the threadpool; the walk waits for it (backpressure). */
  private async drain(): Promise<void> {
    while (this.stream.length > 0) {
      for (const data of this.stream.take()) {
        const at = this.size;
        this.size += data.length;
        await this.fs.write(this.fd, data, at);
        this.stream.recycle(data);
      }
    }
  }

  private isWalked(db: Database, slot: number): boolean {
    const w = this.walked.get(db);
    // A database object not known at the start cannot exist (SWAPDB swaps the same objects).
    return w === undefined || w[slot] === 1;
  }

  /** Writes every key of one slot, once. */
  private walkSlot(db: Database, slot: number): void {
    const w = this.walked.get(db);
    if (w === undefined || w[slot] === 1) return;
    const keys = db.slotKeys(slot);
    if (keys !== undefined) {
      for (const key of keys) {
        const v = db.get(key, false);
        if (v !== undefined) this.writeKey(db, key, v);
      }
    }
    w[slot] = 1;
  }

  /** The records that rebuild one key. */
  private writeKey(db: Database, key: string, v: Value): void {
    const index = db.index;
    const out = this.stream;
    this.progress.keysWritten++;
    if (typeof v === 'string') {
      out.addSet(index, key, v);
    } else {
      switch (v.type) {
        case 'list':
          this.writeChunked(index, 'RPUSH', key, v as unknown as Iterable<string>, 1);
          break;
        case 'set':
          this.writeChunked(index, 'SADD', key, v as unknown as Iterable<string>, 1);
          break;
        case 'hash':
          this.writeChunked(index, 'HSET', key, flattenPairs(v as unknown as Iterable<[string, string]>), 2);
          break;
        case 'zset':
          this.writeChunked(index, 'ZADD', key, flattenScores(v as unknown as Iterable<{ member: string; score: number }>), 2);
          break;
        case 'sale': {
          const image = (v as unknown as { toSnapshot(): Buffer }).toSnapshot();
          out.add(index, encodeRecord([SALE_RESTORE, key, image.toString('latin1')]));
          break;
        }
      }
    }
    const at = db.getExpire(key);
    if (at !== undefined) out.add(index, encodeRecord(['PEXPIREAT', key, String(at)]));
  }

  /** `command key item...` records of ITEMS_PER_RECORD items (of `width` strings each). */
  private writeChunked(db: number, command: string, key: string, items: Iterable<string>, width: number): void {
    let argv: string[] = [command, key];
    const perRecord = ITEMS_PER_RECORD * width;
    for (const s of items) {
      argv.push(s);
      if (argv.length - 2 === perRecord) {
        this.stream.add(db, encodeRecord(argv));
        argv = [command, key];
      }
    }
    if (argv.length > 2) this.stream.add(db, encodeRecord(argv));
  }

  /** Before a write command: walk the not-yet-walked slots of its keys (their state before it). */
  readonly beforeWrite = (client: Client, spec: CommandSpec, argv: readonly string[]): void => {
    if (spec.keySpecs === undefined || spec.keySpecs.length === 0) return;
    const db = client.db;
    const positions = getKeyPositions(spec, argv);
    if (positions === null) return;
    for (const p of positions) this.walkSlot(db, keyHashSlot(argv[p]!));
    // Commands that reach into another database (MOVE key db, COPY ... DB db)
    const other = otherDatabase(spec, argv);
    if (other !== null) {
      const target = this.server.keyspace.dbs[other];
      if (target !== undefined) for (const p of positions) this.walkSlot(target, keyHashSlot(argv[p]!));
    }
  };

  /** RecordSink: the live records, filtered by walked slots. */
  write(dbs: readonly number[], argvs: readonly (readonly string[])[], records: readonly string[]): void {
    const keyspace = this.server.keyspace;
    for (let i = 0; i < records.length; i++) {
      const index = dbs[i]!;
      const argv = argvs[i]!;
      const db = keyspace.dbs[index]!;
      const keys = this.keysOf(argv);
      let walked = 0;
      for (const k of keys) if (this.isWalked(db, keyHashSlot(k))) walked++;
      if (walked === keys.length) {
        this.stream.add(index, records[i]!);
      } else if (walked > 0) {
        // Only outside a command (commands walk their slots first): write the keys' current
        // state instead of the record, as if their slots were walked now.
        for (const k of keys) {
          const slot = keyHashSlot(k);
          if (!this.isWalked(db, slot)) {
            this.walkSlot(db, slot);
            continue;
          }
          this.stream.add(index, encodeRecord(['DEL', k]));
          const v = db.get(k, false);
          if (v !== undefined) this.writeKey(db, k, v);
        }
      }
      // No key walked yet: the walk will write the result.
    }
  }

  private keysOf(argv: readonly string[]): readonly string[] {
    if (argv[0]!.startsWith('HOLDFAST.')) return [argv[1]!];
    const spec = this.server.table.resolve(argv);
    if (spec === undefined || spec.keySpecs === undefined) return [];
    const positions = getKeyPositions(spec, argv);
    return positions === null ? [] : positions.map((p) => argv[p]!);
  }
}

/** MOVE's and COPY's destination database, or null. */
function otherDatabase(spec: CommandSpec, argv: readonly string[]): number | null {
  if (spec.name === 'move') return parseStrictInt(argv[2] ?? '');
  if (spec.name === 'copy') {
    for (let i = 3; i < argv.length - 1; i++) if (argv[i]!.toUpperCase() === 'DB') return parseStrictInt(argv[i + 1]!);
  }
  return null;
}

function* flattenPairs(entries: Iterable<[string, string]>): Generator<string> {
  for (const [f, v] of entries) {
    yield f;
    yield v;
  }
}

function* flattenScores(entries: Iterable<{ member: string; score: number }>): Generator<string> {
  for (const e of entries) {
    yield scoreText(e.score);
    yield e.member;
  }
}

/** A score as text that parses back to the same double (-0 and infinities included). */
export function scoreText(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  return String(d);
}
