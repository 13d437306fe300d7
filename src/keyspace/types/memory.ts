/**
 * Rough V8 heap sizes for memoryUsage() estimates (x64, no pointer compression,
 * which is how Node ships). They only need to be the right order of magnitude:
 * MEMORY USAGE is an estimate in Redis too.
 */
export const POINTER_BYTES = 8;
/** A plain object: map, properties and elements pointers. */
export const OBJECT_HEADER_BYTES = 24;
/** A JSArray plus its FixedArray backing store header. */
export const ARRAY_HEADER_BYTES = 48;
/** Per entry of a Map or Set: key, value and chain slots plus amortised buckets and slack. */
export const MAP_ENTRY_BYTES = 40;
export const MAP_HEADER_BYTES = 96;
/** A boxed double (scores that are not small integers). */
export const HEAP_NUMBER_BYTES = 16;

/** A sequential one-byte string: 16-byte header, payload rounded up to 8. */
export function stringBytes(length: number): number {
  return 16 + ((length + 7) & ~7);
}
