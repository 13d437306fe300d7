/**
 * Run counts for the large property tests (thousands of cheap runs of a pure function).
 * The suite runs a quarter of each author's count by default, with fresh seeds every run;
 * PROPERTY_RUNS_SCALE raises it (1 for the full counts, 10 for a soak):
 *   PROPERTY_RUNS_SCALE=1 npx vitest run test/util
 * Differential tests against redis-server have their own knob, DIFF_RUNS (absolute).
 */
const scale = Number(process.env.PROPERTY_RUNS_SCALE ?? '') || 0.25;

/** `full` runs scaled by PROPERTY_RUNS_SCALE (default 0.25), at least 100. */
export function propertyRuns(full: number): number {
  return Math.max(100, Math.round(full * scale));
}
