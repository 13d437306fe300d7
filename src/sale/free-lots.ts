const FULL = 0xffffffff;

/**
 * The available lots of a sale, as a hierarchical bitset: level 0 has one bit per lot, set
 * when the lot is taken; each higher level has one bit per word below, set when that word
 * is full. RESERVE without LOT takes the lowest available lot by walking down from the
 * top word (at most 6 levels for 100,000,000 lots); RESERVE LOT n, SALE.MARK and releases
 * touch one word, and climb only when a word turns full or stops being full.
 *
 * Why not a stack of free lots: a stack with a position index costs 8 bytes per lot, and
 * its swap-remove scrambles the order. This costs 1 bit per lot (plus 1/31 of that above),
 * always hands out the lowest lot (ascending first, and a released lot goes out again
 * before higher ones), and starts zero-filled, so creating a sale writes only the few
 * padding bits and the OS maps pages as lots are first touched.
 */
export class FreeLots {
  /** How many lots are available. */
  size: number;
  private readonly levels: Uint32Array[] = [];

  constructor(lots: number) {
    this.size = lots;
    let bits = lots;
    for (;;) {
      const words = Math.ceil(bits / 32);
      const level = new Uint32Array(words);
      // Bits past the end stand for no lot (or no word): taken for good.
      if (bits % 32 !== 0) level[words - 1] = (FULL << bits % 32) >>> 0;
      this.levels.push(level);
      if (words === 1) break;
      bits = words;
    }
  }

  get byteLength(): number {
    let bytes = 0;
    for (const level of this.levels) bytes += level.byteLength;
    return bytes;
  }

  /** Takes the lowest available lot. The caller checks size > 0. */
  pop(): number {
    let index = 0;
    for (let k = this.levels.length - 1; k >= 0; k--) {
      const word = this.levels[k]![index]!;
      // Lowest clear bit: ~word & (word + 1) isolates it.
      index = index * 32 + 31 - Math.clz32(~word & (word + 1));
    }
    this.take(index);
    return index;
  }

  /** Takes a lot the caller knows is available. */
  remove(lot: number): void {
    this.take(lot);
  }

  /** Gives back a lot the caller knows is taken. */
  push(lot: number): void {
    this.size++;
    let index = lot;
    for (let k = 0; k < this.levels.length; k++) {
      const level = this.levels[k]!;
      const w = index >>> 5;
      const before = level[w]!;
      level[w] = before & ~(1 << (index & 31));
      if (before !== FULL) return; // the word was not full, so the level above knew it
      index = w;
    }
  }

  private take(lot: number): void {
    this.size--;
    let index = lot;
    for (let k = 0; k < this.levels.length; k++) {
      const level = this.levels[k]!;
      const w = index >>> 5;
      const after = (level[w]! | (1 << (index & 31))) >>> 0;
      level[w] = after;
      if (after !== FULL) return;
      index = w;
    }
  }
}
