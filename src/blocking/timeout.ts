import { CommandError } from '../dispatch/argCursor.js';
import { Err } from '../protocol/errors.js';
import { parseLongDouble } from '../util/longDouble.js';
import { parseStrictInt } from '../util/numbers.js';
import { X87_LONG_DOUBLE_FORMAT, roundToFormat } from '../util/strtod.js';

const INT64_MAX = 2n ** 63n - 1n;
/** Whole seconds below this turn into milliseconds exactly as JS numbers. */
const SMALL_SECONDS = 1e9;

/**
 * Redis 7.0's getTimeoutFromObjectOrReply(UNIT_SECONDS) for BLPOP & co: the timeout in
 * milliseconds, 0 meaning "block forever". Redis reads a long double (string2ld), computes
 * `(long long) ceill(ftval * 1000.0)` on the x87 FPU, then refuses a negative result. So,
 * as checked against redis-server 7.0.15:
 *   "0.0009" -> 1 ms and "1e-400" -> 1 ms (ceil), "0.0001" -> 1 ms,
 *   "-0.001" -> 0, blocking forever (0.001 as a long double is just below 1/1000, so
 *   ceil(-0.99999...) is -0), "-1" -> "timeout is negative",
 *   "inf", "1e300" -> "timeout is negative" (the conversion to long long overflows to
 *   LLONG_MIN), "nan", " 1", "1x" -> "timeout is not a float or out of range".
 */
export function parseBlockingTimeout(arg: string): number {
  const whole = parseStrictInt(arg);
  if (whole !== null && whole >= 0 && whole < SMALL_SECONDS) return whole * 1000;
  const ld = parseLongDouble(arg);
  if (ld === null) throw new CommandError(Err.timeoutNotFloat);
  // Infinity converts to LLONG_MIN: negative.
  if (ld.kind !== 'finite') throw new CommandError(Err.timeoutNegative);
  if (ld.mant === 0n) return 0;
  // ftval * 1000.0, rounded to the 64-bit mantissa as the FPU does.
  const product = roundToFormat(ld.mant * 1000n, ld.exp, false, X87_LONG_DOUBLE_FORMAT);
  if (product === null) throw new CommandError(Err.timeoutNegative);
  let magnitude: bigint;
  if (product.exp >= 0) {
    magnitude = product.mant << BigInt(product.exp);
  } else {
    const shift = BigInt(-product.exp);
    const floor = product.mant >> shift;
    // ceill: a positive fraction rounds up; a negative one towards zero (its floor in magnitude).
    magnitude = !ld.neg && floor << shift !== product.mant ? floor + 1n : floor;
  }
  if (magnitude === 0n) return 0; // -0 included
  // Out of long long range the conversion gives LLONG_MIN: negative again.
  if (ld.neg || magnitude > INT64_MAX) throw new CommandError(Err.timeoutNegative);
  return Number(magnitude);
}
