/**
 * Redis's start/stop normalisation for LRANGE, LTRIM, ZRANGE and ZREMRANGEBYRANK:
 * negative indexes count from the end, start clamps to 0, stop clamps to the last
 * element. Returns the inclusive [start, stop] to visit, or null when nothing is
 * in range (which LTRIM answers by emptying the list).
 */
export function normalizeIndexRange(start: number, stop: number, size: number): [number, number] | null {
  if (start < 0) start += size;
  if (stop < 0) stop += size;
  if (start < 0) start = 0;
  if (start > stop || start >= size) return null;
  if (stop >= size) stop = size - 1;
  return [start, stop];
}
