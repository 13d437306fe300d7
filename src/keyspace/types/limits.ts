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

/** The config settings behind each limit (canonical names, as Config reports changes). */
const LIMIT_SETTINGS: readonly [keyof EncodingLimits, string][] = [
  ['hashMaxListpackEntries', 'hash-max-listpack-entries'],
  ['hashMaxListpackValue', 'hash-max-listpack-value'],
  ['setMaxIntsetEntries', 'set-max-intset-entries'],
  ['zsetMaxListpackEntries', 'zset-max-listpack-entries'],
  ['zsetMaxListpackValue', 'zset-max-listpack-value'],
];

/** The subset of Config read here (a structural type keeps this module free of the config table). */
export interface LimitsSource {
  num(name: string): number;
  onChange(listener: (name: string, value: unknown) => void): void;
}

const liveLimits = new WeakMap<LimitsSource, EncodingLimits>();

/**
 * One limits object per server config, kept current by CONFIG SET: every value created
 * with it sees a change on its next write, as Redis reads server.*_max_* on each insert.
 */
export function liveEncodingLimits(config: LimitsSource): Readonly<EncodingLimits> {
  let limits = liveLimits.get(config);
  if (limits === undefined) {
    const l = { ...DEFAULT_ENCODING_LIMITS };
    for (const [field, setting] of LIMIT_SETTINGS) l[field] = config.num(setting);
    config.onChange((name, value) => {
      for (const [field, setting] of LIMIT_SETTINGS) if (setting === name) l[field] = value as number;
    });
    liveLimits.set(config, (limits = l));
  }
  return limits;
}
