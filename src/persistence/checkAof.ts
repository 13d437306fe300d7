import fs from 'node:fs';
import path from 'node:path';
import { RecordFormatError, RecordReader } from './records.js';

/** A damaged stretch of the file and what became of it. */
export interface Damage {
  offset: number;
  /** Where clean records resume (the file's size when nothing could be recovered after it). */
  resumeAt: number;
  reason: string;
}

export interface Analysis {
  size: number;
  /** End of the longest valid prefix (what `--fix` keeps when only the tail is bad). */
  okUpTo: number;
  okUpToLine: number;
  /** The first problem, or null for a valid file. */
  problem: { kind: 'truncated' | 'corrupt'; offset: number; reason: string } | null;
  /** Byte ranges a repair keeps, in order. */
  keep: [number, number][];
  damages: Damage[];
  /** Records (MULTI/EXEC blocks count their commands) a repair keeps and drops. */
  kept: number;
  dropped: number;
}

type Parsed = { argv: string[]; end: number } | 'incomplete' | RecordFormatError;

/** One record at `pos` of `buf`. */
function parseAt(buf: Buffer, pos: number): Parsed {
  const reader = new RecordReader();
  reader.feed(pos === 0 ? buf : buf.subarray(pos));
  try {
    const argv = reader.next();
    if (argv === null) return 'incomplete';
    return { argv, end: pos + reader.offset };
  } catch (err) {
    if (err instanceof RecordFormatError) return new RecordFormatError(pos + err.offset, err.reason);
    throw err;
  }
}

const COMMAND_NAME = /^[A-Za-z][A-Za-z0-9._|-]{0,63}$/;

/** Whether clean records start at `pos`: a plausible command, followed by another record or the end. */
function resumesAt(buf: Buffer, pos: number): boolean {
  const first = parseAt(buf, pos);
  if (typeof first !== 'object' || first instanceof RecordFormatError || !COMMAND_NAME.test(first.argv[0]!)) return false;
  if (first.end === buf.length) return true;
  const second = parseAt(buf, first.end);
  return typeof second === 'object' && !(second instanceof RecordFormatError) && COMMAND_NAME.test(second.argv[0]!);
}

/**
 * Reads a whole log and plans its repair (Redis's redis-check-aof, plus recovery past a
 * damaged record): a cut tail and an unfinished MULTI are dropped; a damaged stretch in the
 * middle is dropped up to the next point where clean records resume, together with the
 * MULTI/EXEC block it belonged to, so what is kept replays all or nothing as written.
 */
export function analyzeLog(buf: Buffer): Analysis {
  const a: Analysis = { size: buf.length, okUpTo: 0, okUpToLine: 0, problem: null, keep: [], damages: [], kept: 0, dropped: 0 };
  let pos = 0;
  let multiStart = -1;
  let multiCount = 0;
  /** Since the last resync: ranges kept outside any MULTI, undone if a stray EXEC shows they were a block's tail. */
  let sinceResync: number | null = null;
  let clean = true;
  const keep = (start: number, end: number) => {
    const last = a.keep[a.keep.length - 1];
    if (last !== undefined && last[1] === start) last[1] = end;
    else a.keep.push([start, end]);
  };
  const unkeepFrom = (from: number) => {
    while (a.keep.length > 0 && a.keep[a.keep.length - 1]![0] >= from) a.keep.pop();
    const last = a.keep[a.keep.length - 1];
    if (last !== undefined && last[1] > from) last[1] = from;
  };
  while (pos < buf.length) {
    // Annotation lines are kept as they are (Redis 7 writes "#TS:..." lines).
    if (buf[pos] === 0x23) {
      const eol = buf.indexOf(0x0a, pos);
      if (eol === -1) {
        a.problem ??= { kind: 'truncated', offset: multiStart !== -1 ? multiStart : pos, reason: 'unexpected end of file' };
        break;
      }
      if (multiStart === -1) keep(pos, eol + 1);
      pos = eol + 1;
      if (clean && multiStart === -1) a.okUpTo = pos;
      continue;
    }
    const r = parseAt(buf, pos);
    if (r === 'incomplete') {
      a.problem ??= { kind: 'truncated', offset: multiStart !== -1 ? multiStart : pos, reason: 'unexpected end of file' };
      break;
    }
    if (r instanceof RecordFormatError) {
      const damageStart = pos;
      a.problem ??= { kind: 'corrupt', offset: r.offset, reason: r.reason };
      clean = false;
      let resume = buf.length;
      for (let p = buf.indexOf(0x0a, pos + 1); p !== -1 && p + 1 < buf.length; p = buf.indexOf(0x0a, p + 1)) {
        if (buf[p + 1] === 0x2a && resumesAt(buf, p + 1)) {
          resume = p + 1;
          break;
        }
      }
      a.damages.push({ offset: damageStart, resumeAt: resume, reason: r.reason });
      a.dropped++;
      if (multiStart !== -1) {
        // The block the damage hit is dropped whole.
        a.dropped += multiCount;
        multiStart = -1;
        multiCount = 0;
      }
      sinceResync = resume;
      pos = resume;
      continue;
    }
    const name = r.argv[0]!.toUpperCase();
    if (name === 'MULTI') {
      if (multiStart !== -1) {
        // A MULTI inside a block: the block's EXEC was lost. Drop that block.
        a.problem ??= { kind: 'corrupt', offset: pos, reason: 'MULTI inside MULTI' };
        clean = false;
        a.dropped += multiCount + 1;
      }
      multiStart = pos;
      multiCount = 0;
      sinceResync = null;
    } else if (name === 'EXEC') {
      if (multiStart === -1) {
        a.problem ??= { kind: 'corrupt', offset: pos, reason: 'EXEC without MULTI' };
        clean = false;
        // After a resync this EXEC ends a block whose MULTI was damaged: drop its tail too.
        if (sinceResync !== null) {
          unkeepFrom(sinceResync);
          sinceResync = null;
        }
        a.dropped++;
      } else {
        keep(multiStart, r.end);
        a.kept += multiCount;
        multiStart = -1;
        multiCount = 0;
      }
    } else if (multiStart !== -1) {
      multiCount++;
    } else {
      keep(pos, r.end);
      a.kept++;
    }
    pos = r.end;
    if (clean && multiStart === -1) a.okUpTo = pos;
  }
  if (multiStart !== -1) {
    a.problem ??= { kind: 'truncated', offset: multiStart, reason: 'MULTI without EXEC at the end of the file' };
    a.dropped += multiCount + 1;
  }
  if (a.problem?.kind === 'truncated' && clean) a.okUpTo = a.problem.offset;
  let lines = 0;
  for (let i = buf.indexOf(0x0a); i !== -1 && i < a.okUpTo; i = buf.indexOf(0x0a, i + 1)) lines++;
  a.okUpToLine = lines + 1;
  return a;
}

/**
 * `holdfast check-aof [--fix] FILE`. Without --fix: reports and exits 1 when the file is
 * not valid. With --fix: a cut tail is truncated in place (as redis-check-aof does); a
 * damaged stretch in the middle is removed, keeping every clean record after it, and the
 * original is kept as FILE.damaged-<time>. Returns the exit code.
 */
export async function checkAofMain(args: string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  let fix = false;
  let file: string | null = null;
  for (const a of args) {
    if (a === '--fix') fix = true;
    else if (file === null && !a.startsWith('--')) file = a;
    else {
      out('Usage: holdfast check-aof [--fix] <file.aof>');
      return 1;
    }
  }
  if (file === null) {
    out('Usage: holdfast check-aof [--fix] <file.aof>');
    return 1;
  }
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    out(`Cannot open file ${file}: ${(err as Error).message}`);
    return 1;
  }
  const a = analyzeLog(buf);
  const name = path.basename(file);
  out(`AOF analyzed: filename=${name}, size=${a.size}, ok_up_to=${a.okUpTo}, ok_up_to_line=${a.okUpToLine}, diff=${a.size - a.okUpTo}`);
  if (a.problem === null) {
    out(`AOF ${name} is valid`);
    return 0;
  }
  out(`${a.problem.kind === 'truncated' ? 'Truncated' : 'Damaged'} at offset ${a.problem.offset}: ${a.problem.reason}`);
  for (const d of a.damages) out(`Damaged bytes from offset ${d.offset} to ${d.resumeAt} (${d.resumeAt - d.offset} bytes): ${d.reason}`);
  if (!fix) {
    out(`AOF ${name} is not valid. Use the --fix option to try fixing it.`);
    return 1;
  }
  if (a.damages.length === 0 && a.problem.kind === 'truncated' && a.keep.every(([, end]) => end <= a.okUpTo)) {
    out(`This will shrink the AOF ${name} from ${a.size} bytes, with ${a.size - a.okUpTo} bytes, to ${a.okUpTo} bytes`);
    const fd = fs.openSync(file, 'r+');
    try {
      fs.ftruncateSync(fd, a.okUpTo);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    out(`Successfully truncated AOF ${name}`);
    return 0;
  }
  const repaired = Buffer.concat(a.keep.map(([s, e]) => buf.subarray(s, e)));
  const backup = `${file}.damaged-${Date.now()}`;
  const temp = `${file}.repair-${process.pid}`;
  const fd = fs.openSync(temp, 'w');
  try {
    fs.writeSync(fd, repaired);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(file, backup);
  fs.renameSync(temp, file);
  const dirFd = fs.openSync(path.dirname(path.resolve(file)), 'r');
  try {
    fs.fsyncSync(dirFd);
  } finally {
    fs.closeSync(dirFd);
  }
  out(`Repaired AOF ${name}: ${a.kept} records kept, ${a.dropped} dropped, ${a.size - repaired.length} bytes removed (the original is kept as ${path.basename(backup)})`);
  return 0;
}
