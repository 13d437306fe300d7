import { Err } from '../protocol/errors.js';
import { parseStrictInt, parseRedisDouble } from '../util/numbers.js';

/** Thrown while parsing arguments; the dispatcher replies with its text. Nothing was applied. */
export class CommandError extends Error {
  constructor(public readonly reply: string) {
    super(reply);
  }
}

/**
 * Walks argv to turn it into typed options before anything is applied (mini-redis's
 * Parse), so a syntax error never half-mutates state.
 */
export class ArgCursor {
  constructor(
    private readonly argv: readonly string[],
    public index = 1,
  ) {}

  get remaining(): number {
    return this.argv.length - this.index;
  }
  hasMore(): boolean {
    return this.index < this.argv.length;
  }
  peekUpper(): string | undefined {
    return this.argv[this.index]?.toUpperCase();
  }
  next(): string {
    if (this.index >= this.argv.length) throw new CommandError(Err.syntax);
    return this.argv[this.index++]!;
  }
  /** Consumes the next argument if it equals `token` case-insensitively. */
  accept(token: string): boolean {
    const a = this.argv[this.index];
    if (a !== undefined && a.length === token.length && a.toUpperCase() === token) {
      this.index++;
      return true;
    }
    return false;
  }
  nextInt(error: string = Err.notInteger): number {
    const n = parseStrictInt(this.next());
    if (n === null) throw new CommandError(error);
    return n;
  }
  nextDouble(error: string = Err.notFloat): number {
    const d = parseRedisDouble(this.next());
    if (d === null) throw new CommandError(error);
    return d;
  }
  /** Rejects leftovers (Redis answers a syntax error). */
  finish(): void {
    if (this.index < this.argv.length) throw new CommandError(Err.syntax);
  }
}

export function parseIntArg(s: string, error: string = Err.notInteger): number {
  const n = parseStrictInt(s);
  if (n === null) throw new CommandError(error);
  return n;
}
