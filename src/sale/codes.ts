import { randomFillSync } from 'node:crypto';

/**
 * Reservation codes. A code is 128 bits written as 22 base64url characters:
 *
 *   tagHi (32) | tagLo (32) | lot (32) | generation (32)
 *
 * The 64-bit tag is drawn from a cryptographic source (sale.md: at least 64 bits, opaque,
 * unguessable) and stored per lot, so a code is resolved by decoding it and comparing with
 * its lot's slots: no Map from code to lot, no object per code. The per-lot generation
 * grows with every reservation of that lot, which makes codes unique within the sale for
 * its whole life by construction, not only with high probability (sale.md invariant 2),
 * and rejects a stale code after its lot was re-reserved even if the tags happened to match.
 */
export const CODE_LENGTH = 22;

/** Codes per refill of the random pool: one getrandom() per 4096 codes, not one per code. */
const POOL_CODES = 4096;
const pool = new Uint32Array(POOL_CODES * 2);
let poolNext = pool.length;

/** One uniformly random 32-bit word from the cryptographic pool. */
export function randomWord(): number {
  if (poolNext === pool.length) {
    randomFillSync(pool);
    poolNext = 0;
  }
  return pool[poolNext++]!;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const CHAR = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
/** Character code -> 6-bit value, -1 for anything outside base64url. */
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) VALUE[CHAR[i]!] = i;

/** Encodes the four words of a code; built in one call so the string is flat at once. */
export function encodeCode(tagHi: number, tagLo: number, lot: number, generation: number): string {
  const c = CHAR;
  // Five 24-bit groups (15 bytes), then the last byte in two characters.
  const g0 = tagHi >>> 8;
  const g1 = ((tagHi & 0xff) << 16) | (tagLo >>> 16);
  const g2 = ((tagLo & 0xffff) << 8) | (lot >>> 24);
  const g3 = lot & 0xffffff;
  const g4 = generation >>> 8;
  const last = generation & 0xff;
  return String.fromCharCode(
    c[g0 >>> 18]!, c[(g0 >>> 12) & 63]!, c[(g0 >>> 6) & 63]!, c[g0 & 63]!,
    c[g1 >>> 18]!, c[(g1 >>> 12) & 63]!, c[(g1 >>> 6) & 63]!, c[g1 & 63]!,
    c[g2 >>> 18]!, c[(g2 >>> 12) & 63]!, c[(g2 >>> 6) & 63]!, c[g2 & 63]!,
    c[g3 >>> 18]!, c[(g3 >>> 12) & 63]!, c[(g3 >>> 6) & 63]!, c[g3 & 63]!,
    c[g4 >>> 18]!, c[(g4 >>> 12) & 63]!, c[(g4 >>> 6) & 63]!, c[g4 & 63]!,
    c[last >>> 2]!, c[(last & 3) << 4]!,
  );
}

/** Output of decodeCode, reused: decoding allocates nothing. Index: 0 tagHi, 1 tagLo, 2 lot, 3 generation. */
export const decoded = new Uint32Array(4);

function group(code: string, at: number): number {
  let g = 0;
  for (let i = at; i < at + 4; i++) {
    const ch = code.charCodeAt(i);
    const v = ch < 128 ? VALUE[ch]! : -1;
    if (v < 0) return -1;
    g = (g << 6) | v;
  }
  return g;
}

function value(code: string, at: number): number {
  const ch = code.charCodeAt(at);
  return ch < 128 ? VALUE[ch]! : -1;
}

/**
 * Decodes a code into `decoded`. False for anything that is not exactly a canonical
 * 22-character code (the 4 padding bits must be zero), so two different strings never
 * name the same reservation (sale.md invariant 2).
 */
export function decodeCode(code: string): boolean {
  if (code.length !== CODE_LENGTH) return false;
  const g0 = group(code, 0);
  const g1 = group(code, 4);
  const g2 = group(code, 8);
  const g3 = group(code, 12);
  const g4 = group(code, 16);
  const v20 = value(code, 20);
  const v21 = value(code, 21);
  if ((g0 | g1 | g2 | g3 | g4 | v20 | v21) < 0 || (v21 & 15) !== 0) return false;
  const last = (v20 << 2) | (v21 >>> 4);
  decoded[0] = (g0 << 8) | (g1 >>> 16);
  decoded[1] = ((g1 & 0xffff) << 16) | (g2 >>> 8);
  decoded[2] = ((g2 & 0xff) << 24) | g3;
  decoded[3] = (g4 << 8) | last;
  return true;
}
