import type { Database } from '../keyspace/database.js';
import type { Server } from '../server.js';
import { SaleValue } from '../sale/sale.js';

/**
 * Records only the log contains: the loader runs them, the command table does not know
 * them, so a client sending one gets "unknown command". Named HOLDFAST.* so they cannot
 * clash with a Redis command.
 *
 *   HOLDFAST.SALE.RESTORE key image
 *     a whole sale from SaleValue.toSnapshot() (the rewrite's compact form of a sale)
 *   HOLDFAST.SALE.APPLY key lot user code held|confirmed deadline-ms
 *     a RESERVE (held, with its deadline) or SALE.MARK (confirmed) with the code it drew,
 *     replayed exactly by SaleValue.applyLogged
 */
export const SALE_RESTORE = 'HOLDFAST.SALE.RESTORE';
export const SALE_APPLY = 'HOLDFAST.SALE.APPLY';

/** The record of a RESERVE or SALE.MARK (what their handlers propagate). */
export function saleApplyRecord(key: string, lot: number, user: string, code: string, state: 'held' | 'confirmed', deadline = 0): string[] {
  return [SALE_APPLY, key, String(lot), user, code, state, String(deadline)];
}

export function isInternalRecord(name: string): boolean {
  return name.length > 9 && name.charCodeAt(8) === 0x2e /* . */ && name.slice(0, 9).toUpperCase() === 'HOLDFAST.';
}

/** Runs an internal record against `db`; returns an error text when it cannot apply. */
export function applyInternalRecord(server: Server, db: Database, argv: readonly string[]): string | null {
  const name = argv[0]!.toUpperCase();
  if (name === SALE_RESTORE) {
    if (argv.length !== 3) return `wrong number of arguments for ${SALE_RESTORE}`;
    const key = argv[1]!;
    try {
      // The key's previous value, if any, is replaced (and disposed of) by db.set.
      server.sales.restore(Buffer.from(argv[2]!, 'latin1'), db, key);
    } catch (err) {
      return (err as Error).message;
    }
    server.keyspace.signalModifiedKey(db, key);
    return null;
  }
  if (name === SALE_APPLY) {
    if (argv.length !== 7) return `wrong number of arguments for ${SALE_APPLY}`;
    const sale = db.get(argv[1]!);
    if (!(sale instanceof SaleValue)) return `no sale at '${argv[1]}'`;
    const lot = Number(argv[2]);
    const state = argv[5];
    const deadline = Number(argv[6]);
    if ((state !== 'held' && state !== 'confirmed') || !Number.isFinite(deadline)) return 'malformed sale record';
    return sale.applyLogged(lot, argv[3]!, argv[4]!, state, deadline) ? null : `sale record does not apply to lot ${argv[2]}`;
  }
  return `unknown internal record '${argv[0]}'`;
}
