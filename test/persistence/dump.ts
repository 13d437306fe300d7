import type { Server } from '../../src/server.js';
import { SaleValue } from '../../src/sale/sale.js';

/**
 * A full, canonical dump of the dataset: every database, key, type, value and absolute
 * deadline. Two servers with equal dumps hold the same data.
 */
export function dumpKeyspace(server: Server): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const db of server.keyspace.dbs) {
    const keys = [...db.entries()].map(([k]) => k).sort();
    for (const key of keys) {
      const v = db.get(key, false);
      if (v === undefined) continue;
      const at = db.getExpire(key) ?? null;
      out[`${db.index}:${key}`] = { ttl: at, value: canonical(v) };
    }
  }
  return out;
}

function canonical(v: unknown): unknown {
  if (typeof v === 'string') return ['string', v];
  const t = (v as { type: string }).type;
  switch (t) {
    case 'list':
      return ['list', [...(v as Iterable<string>)]];
    case 'set':
      return ['set', [...(v as Iterable<string>)].sort()];
    case 'hash':
      return ['hash', [...(v as Iterable<[string, string]>)].map(([f, x]) => `${f}=${x}`).sort()];
    case 'zset':
      return ['zset', [...(v as Iterable<{ member: string; score: number }>)].map((e) => [e.member, Object.is(e.score, -0) ? '-0' : e.score])];
    case 'sale': {
      const sale = v as SaleValue;
      return ['sale', sale.info(), sale.toSnapshot().toString('base64')];
    }
    default:
      return [t];
  }
}
