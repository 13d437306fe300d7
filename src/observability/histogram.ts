/**
 * A fixed-size latency histogram in nanoseconds, log-linear like Redis's HDR histograms:
 * octave 0 is [0, 1024 ns), octave o >= 1 is [1024·2^(o-1), 1024·2^o), each cut in 16
 * sub-buckets (about 6% resolution). Recording is a few integer operations into a
 * preallocated array, so every command can be timed; readers (INFO latencystats, LATENCY
 * HISTOGRAM, /metrics) walk the buckets when asked.
 */
export const SUB_BUCKETS = 16;
export const OCTAVES = 42;

export class LatencyHistogram {
  readonly counts = new Float64Array(OCTAVES * SUB_BUCKETS);
  calls = 0;
  /** Sum of the recorded values, in nanoseconds. */
  sumNs = 0;

  record(ns: number): void {
    this.calls++;
    this.sumNs += ns;
    this.counts[bucketOf(ns)]!++;
  }

  reset(): void {
    this.counts.fill(0);
    this.calls = 0;
    this.sumNs = 0;
  }

  /** The value (ns) at percentile p (0-100): the upper bound of the bucket holding that rank. */
  percentile(p: number): number {
    if (this.calls === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.calls));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return bucketUpper(i);
    }
    return bucketUpper(this.counts.length - 1);
  }

  /** Cumulative count of values below 1024·2^octave ns (the end of that octave). */
  cumulativeToOctave(octave: number): number {
    let n = 0;
    const end = Math.min(OCTAVES, octave + 1) * SUB_BUCKETS;
    for (let i = 0; i < end; i++) n += this.counts[i]!;
    return n;
  }
}

export function bucketOf(ns: number): number {
  if (!(ns > 0)) return 0;
  const q = Math.floor(ns / 1024);
  let octave = q === 0 ? 0 : 32 - Math.clz32(q);
  if (q >= 2 ** 32) octave = OCTAVES - 1;
  if (octave >= OCTAVES) octave = OCTAVES - 1;
  const lo = octave === 0 ? 0 : 1024 * 2 ** (octave - 1);
  const width = octave === 0 ? 1024 / SUB_BUCKETS : lo / SUB_BUCKETS;
  const sub = Math.min(SUB_BUCKETS - 1, Math.floor((ns - lo) / width));
  return octave * SUB_BUCKETS + sub;
}

/** The upper bound (ns) of bucket i. */
export function bucketUpper(i: number): number {
  const octave = Math.floor(i / SUB_BUCKETS);
  const sub = i % SUB_BUCKETS;
  const lo = octave === 0 ? 0 : 1024 * 2 ** (octave - 1);
  const width = octave === 0 ? 1024 / SUB_BUCKETS : lo / SUB_BUCKETS;
  return lo + (sub + 1) * width;
}

/**
 * The label Redis's LATENCY HISTOGRAM gives the end of an octave: the HDR histogram's
 * "highest equivalent value" of 1024·2^o ns with two significant digits, in µs
 * (1, 2, 4, 8, 16, 33, 66, 132, ...).
 */
export function octaveLabelMicros(octave: number): number {
  const v = 1024 * 2 ** octave;
  return Math.floor((v + v / 128 - 1) / 1000);
}
