// The pieces of glibc strtod()/strtold() that Redis's string2d()/string2ld() depend on:
// the C-locale number grammar and correctly rounded conversion to a binary format of
// any precision (53 bits for double, 64 for x87 long double). Exact with BigInt, so
// hex floats, subnormals and huge digit strings round exactly as glibc does.

/** What the whole string spells under strtod's grammar (no leading whitespace). */
export type StrtodToken =
  | { readonly kind: 'inf'; readonly neg: boolean }
  | { readonly kind: 'nan' }
  /** Value = digits × 10^exp10; `digits` has no leading zeros and is '' for zero. */
  | { readonly kind: 'dec'; readonly neg: boolean; readonly digits: string; readonly exp10: number }
  /** Value = mant × 2^exp2. */
  | { readonly kind: 'hex'; readonly neg: boolean; readonly mant: bigint; readonly exp2: number };

// C99 7.20.1.3: decimal with optional exponent, hex with optional binary exponent,
// INF/INFINITY, NAN/NAN(n-char-sequence); all case-insensitive where letters appear.
// Redis requires strtod to consume the whole string, so only full matches count.
const STRTOD_RE =
  /^([+-]?)(?:(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?|0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?|(inf(?:inity)?)|(nan(?:\([0-9a-z_]*\))?))$/i;

// Exponent digits beyond this magnitude only ever mean overflow or underflow; clamping
// keeps arithmetic in safe integers. It exceeds twice any Redis string length (512 MB),
// so a clamped exponent can never be cancelled back into range by the digit count.
const EXP_CLAMP = 4e9;

function parseExponent(text: string | undefined): number {
  if (text === undefined) return 0;
  const neg = text.startsWith('-');
  const body = text.replace(/^[+-]?0*/, '');
  const mag = body.length > 10 ? EXP_CLAMP : Math.min(Number(body || '0'), EXP_CLAMP);
  return neg ? -mag : mag;
}

export function scanStrtod(s: string): StrtodToken | null {
  const m = STRTOD_RE.exec(s);
  if (m === null) return null;
  const neg = m[1] === '-';
  if (m[9] !== undefined) return { kind: 'nan' };
  if (m[8] !== undefined) return { kind: 'inf', neg };
  if (m[5] !== undefined) {
    // Hex branch (the group participates, possibly empty).
    const intHex = m[5] ?? '';
    const fracHex = m[6] ?? '';
    // "0x" with no hex digit is strtod parsing "0" and stopping at 'x': not a full match.
    if (intHex === '' && fracHex === '') return null;
    const mant = BigInt('0x' + (intHex + fracHex || '0'));
    return { kind: 'hex', neg, mant, exp2: parseExponent(m[7]) - 4 * fracHex.length };
  }
  const intDec = m[2] ?? '';
  const fracDec = m[3] ?? '';
  if (intDec === '' && fracDec === '') return null; // ".", "", "e5", "+"
  const all = (intDec + fracDec).replace(/^0+/, '');
  const trimmed = all.replace(/0+$/, '');
  const exp10 = parseExponent(m[4]) - fracDec.length + (all.length - trimmed.length);
  return { kind: 'dec', neg, digits: trimmed, exp10: trimmed === '' ? 0 : exp10 };
}

/** An IEEE-style binary format: `precision` mantissa bits, gradual underflow. */
export interface BinaryFormat {
  readonly precision: number;
  /** Exponent of the least significant bit of the smallest subnormal (-1074 for double). */
  readonly minExp: number;
  /** Finite values are < 2^maxExp (1024 for double). */
  readonly maxExp: number;
}

export const DOUBLE_FORMAT: BinaryFormat = { precision: 53, minExp: -1074, maxExp: 1024 };
/** x87 80-bit extended, glibc's `long double` on x86-64 (where Redis runs). */
export const X87_LONG_DOUBLE_FORMAT: BinaryFormat = { precision: 64, minExp: -16445, maxExp: 16384 };

/** Value = mant × 2^exp with mant < 2^precision; mant 0n means the value rounded to zero. */
export interface Rounded {
  readonly mant: bigint;
  readonly exp: number;
}

export function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * Round n × 2^e (plus something strictly between 0 and one unit of n's last bit when
 * `sticky`) to the nearest representable value, ties to even. null on overflow.
 * Callers pass at least precision + 2 bits when `sticky`, so sticky never sits on a kept bit.
 */
export function roundToFormat(n: bigint, e: number, sticky: boolean, fmt: BinaryFormat): Rounded | null {
  const len = bitLength(n);
  const shift = Math.max(len - fmt.precision, fmt.minExp - e);
  let mant = n;
  let exp = e;
  if (shift > 0) {
    const big = BigInt(shift);
    mant = n >> big;
    const rem = n - (mant << big);
    const half = 1n << (big - 1n);
    if (rem > half || (rem === half && (sticky || (mant & 1n) === 1n))) mant += 1n;
    exp += shift;
    if (bitLength(mant) > fmt.precision) {
      mant >>= 1n;
      exp += 1;
    }
  }
  if (mant !== 0n && bitLength(mant) + exp > fmt.maxExp) return null;
  return { mant, exp };
}

/** Correctly rounded mant × 2^exp2 (mant > 0). null on overflow. */
export function binaryToFormat(mant: bigint, exp2: number, fmt: BinaryFormat): Rounded | null {
  // Bounds first: a clamped exponent like -4e9 must not reach a 4e9-bit shift.
  const top = bitLength(mant) + exp2; // value < 2^top, value >= 2^(top-1)
  if (top - 1 >= fmt.maxExp) return null;
  if (top < fmt.minExp - 1) return { mant: 0n, exp: fmt.minExp };
  return roundToFormat(mant, exp2, false, fmt);
}

/** Correctly rounded digits × 10^exp10 (digits non-empty, no leading zeros). null on overflow. */
export function decimalToFormat(digits: string, exp10: number, fmt: BinaryFormat): Rounded | null {
  // Cheap magnitude bounds first so "1e999999999" never builds a huge power of ten.
  // value lies in [10^(lead), 10^(lead+1)); log10(2) < 0.30103.
  const lead = digits.length - 1 + exp10;
  if (lead > Math.ceil(fmt.maxExp * 0.30103) + 1) return null;
  if (lead + 1 < Math.floor((fmt.minExp - 1) * 0.30103) - 1) return { mant: 0n, exp: fmt.minExp };

  const d = BigInt(digits);
  if (exp10 >= 0) return roundToFormat(d * 10n ** BigInt(exp10), 0, false, fmt);
  // d / 10^k = (d / 5^k) × 2^-k; divide with enough extra bits for the rounding decision.
  const k = -exp10;
  const five = 5n ** BigInt(k);
  const scale = Math.max(0, fmt.precision + 2 + bitLength(five) - bitLength(d));
  const num = d << BigInt(scale);
  const q = num / five;
  return roundToFormat(q, -k - scale, q * five !== num, fmt);
}

/** A DOUBLE_FORMAT result as a JS number; exact, since the value is a double by construction. */
export function roundedToNumber(r: Rounded, neg: boolean): number {
  const x = Number(r.mant);
  // Two steps for subnormal results so neither power of two is itself subnormal.
  const v = r.exp < -900 ? x * 2 ** (r.exp + 200) * 2 ** -200 : x * 2 ** r.exp;
  return neg ? -v : v;
}
