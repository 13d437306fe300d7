/** The aggregate value types the keyspace stores besides strings. */
export { HashValue, type HashEntry } from './hash.js';
export { normalizeIndexRange } from './indexRange.js';
export { DEFAULT_ENCODING_LIMITS, liveEncodingLimits, type EncodingLimits } from './limits.js';
export { ListValue } from './list.js';
export type { RandomSource } from './random.js';
export { SetValue, isInt64String } from './set.js';
export { SortedSet, type LexBound, type ZAddOutcome, type ZEntry } from './sortedSet.js';
