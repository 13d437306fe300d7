import { Duplex } from 'node:stream';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from '../network/client.js';
import { CommandError } from '../dispatch/argCursor.js';
import type { Server } from '../server.js';
import type { FileSystem } from './fileSystem.js';
import { RecordFormatError, RecordReader } from './records.js';
import { applyInternalRecord, isInternalRecord } from './internalRecords.js';

/** Bytes read from the file per step. */
const READ_CHUNK = 4 << 20;
/** Event-loop time one slice of the load may take before the server answers LOADING again. */
const SLICE_MS = 5;

/** A log that cannot be loaded: the server must not start (Redis exits). */
export class LoadError extends Error {}

export interface LoadProgress {
  startedAt: number;
  totalBytes: number;
  loadedBytes: number;
}

export interface LoadResult {
  /** Records replayed. */
  records: number;
  /** Where the valid part of the file ends; less than `size` when the tail was cut. */
  validUpTo: number;
  size: number;
  /** Why the tail is not valid (truncated record, unfinished MULTI), when it is not. */
  truncation: string | null;
}

/** A connection with no socket that runs the log's records (Redis's AOF fake client). */
export function loaderClient(server: Server): Client {
  const sink = new Duplex({
    read() {},
    write(_chunk, _encoding, done) {
      done();
    },
  });
  const client = new Client(server, sink);
  client.authenticated = true;
  client.replyMode = 'off';
  client.name = 'aof-loader';
  return client;
}

/**
 * Replays the log (Redis's loadSingleAppendOnlyFile), in slices of a few milliseconds so
 * clients get `-LOADING` meanwhile instead of silence. Records run straight through their
 * handlers on a fake client (no propagation, no stats); MULTI ... EXEC blocks are applied
 * only once their EXEC is read, so a block cut by a crash is not applied at all.
 *
 * The end of the file may be cut (a power cut during a write): the result says where the
 * valid part ends, and the caller decides (aof-load-truncated). Bytes that cannot be a
 * record in the middle of the file are corruption: LoadError, naming the offset.
 */
export async function loadLog(
  server: Server,
  fs: FileSystem,
  file: string,
  progress: LoadProgress,
  onProgress: (fraction: number) => void,
): Promise<LoadResult> {
  const fd = fs.open(file, 'read');
  const name = path.basename(file);
  try {
    const size = fs.size(fd);
    progress.totalBytes = size;
    const reader = new RecordReader();
    const client = loaderClient(server);
    let readAt = 0;
    let records = 0;
    let multi: string[][] | null = null;
    let multiStart = 0;
    let validUpTo = 0;
    let errors = 0;
    let sliceEnd = performance.now() + SLICE_MS;
    let lastReport = Date.now();

    const run = (argv: string[]): void => {
      records++;
      const command = argv[0]!;
      if (isInternalRecord(command)) {
        const error = applyInternalRecord(server, client.db, argv);
        if (error !== null) throw new LoadError(`Bad record reading the append only file ${name}: ${error}`);
        return;
      }
      let spec = server.table.lookup(command);
      if (spec?.subcommands !== undefined && argv.length >= 2) spec = server.table.subcommand(spec, argv[1]!);
      if (spec?.handler === undefined) throw new LoadError(`Unknown command '${command}' reading the append only file ${name}`);
      if ((spec.arity > 0 && argv.length !== spec.arity) || argv.length < -spec.arity) {
        throw new LoadError(`Wrong number of arguments for '${command}' reading the append only file ${name}`);
      }
      try {
        spec.handler(client, argv);
      } catch (err) {
        if (!(err instanceof CommandError)) throw err;
        // Redis ignores a record's error reply too; it would have failed the same way live.
        if (errors++ === 0) server.log('warning', `A record of ${name} answered an error while loading: ${err.reply}`);
      }
    };

    for (;;) {
      let argv: string[] | null;
      try {
        argv = reader.next();
      } catch (err) {
        if (!(err instanceof RecordFormatError)) throw err;
        // Zeros to the end of the file are a write the disk never finished: a cut tail.
        if (await zerosToEnd(fs, fd, err.offset, size)) {
          return { records, validUpTo: multi !== null ? multiStart : reader.offset, size, truncation: 'zero bytes' };
        }
        throw new LoadError(
          `Bad file format reading the append only file ${name} at offset ${err.offset} (${err.reason}): ` +
            `make a backup of your AOF file, then use holdfast check-aof --fix ${name}`,
        );
      }
      if (argv === null) {
        if (readAt >= size) {
          if (reader.buffered === 0 && multi === null) return { records, validUpTo: reader.offset, size, truncation: null };
          const truncation = reader.buffered > 0 ? 'short read' : 'MULTI without EXEC';
          return { records, validUpTo: multi !== null ? multiStart : reader.offset, size, truncation };
        }
        const chunk = Buffer.allocUnsafe(Math.min(size - readAt, Math.max(READ_CHUNK, reader.needed)));
        const n = await fs.read(fd, chunk, readAt);
        if (n <= 0) {
          readAt = size;
          continue;
        }
        readAt += n;
        reader.feed(n === chunk.length ? chunk : chunk.subarray(0, n));
        continue;
      }
      const upper = argv[0]!.length === 5 || argv[0]!.length === 4 ? argv[0]!.toUpperCase() : '';
      if (upper === 'MULTI') {
        if (multi !== null) throw new LoadError(`Bad file format reading the append only file ${name}: nested MULTI at offset ${reader.offset}`);
        multi = [];
        multiStart = reader.offset - recordLength(argv);
      } else if (upper === 'EXEC') {
        if (multi === null) throw new LoadError(`Bad file format reading the append only file ${name}: EXEC without MULTI at offset ${reader.offset}`);
        const block = multi;
        multi = null;
        for (const a of block) run(a);
        validUpTo = reader.offset;
      } else if (multi !== null) {
        multi.push(argv);
      } else {
        run(argv);
        validUpTo = reader.offset;
      }
      progress.loadedBytes = validUpTo;
      if ((records & 255) === 0 && performance.now() >= sliceEnd) {
        const now = Date.now();
        if (now - lastReport >= 1000) {
          lastReport = now;
          onProgress(size === 0 ? 1 : reader.offset / size);
        }
        await new Promise<void>((r) => setImmediate(r));
        sliceEnd = performance.now() + SLICE_MS;
      }
    }
  } finally {
    fs.close(fd);
  }
}

/** Bytes of a record as encoded (for the offset of a MULTI just read). */
function recordLength(argv: readonly string[]): number {
  let n = `*${argv.length}\r\n`.length;
  for (const a of argv) n += `$${a.length}\r\n`.length + a.length + 2;
  return n;
}

/** Whether the file holds only zero bytes from `from` to its end (checked up to 64 MB). */
async function zerosToEnd(fs: FileSystem, fd: number, from: number, size: number): Promise<boolean> {
  if (size - from > 64 << 20) return false;
  const buf = Buffer.alloc(size - from);
  const n = await fs.read(fd, buf, from);
  for (let i = 0; i < n; i++) if (buf[i] !== 0) return false;
  return n === buf.length;
}
