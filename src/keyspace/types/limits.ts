/**
 * The encoding thresholds Redis reads on every write to an aggregate value
 * (`*-max-listpack-*`, `set-max-intset-entries`). Values hold a reference to a
 * limits object rather than copies, so CONFIG SET affects later writes exactly as
 * in Redis: an existing compact value only converts on its next insert.
 */
export interface EncodingLimits {
  /** hash-max-listpack-entries */
  hashMaxListpackEntries: number;
  /** hash-max-listpack-value */
  hashMaxListpackValue: number;
  /** set-max-intset-entries */
  setMaxIntsetEntries: number;
  /** zset-max-listpack-entries */
  zsetMaxListpackEntries: number;
  /** zset-max-listpack-value */
  zsetMaxListpackValue: number;
}

/** Redis 7.0.15 defaults, checked with CONFIG GET against the real server. */
export const DEFAULT_ENCODING_LIMITS: Readonly<EncodingLimits> = Object.freeze({
  hashMaxListpackEntries: 512,
  hashMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
});
