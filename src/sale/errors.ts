/**
 * The sale's error catalog: one place for the exact texts of sale.md's error table. The
 * engine returns these codes as values; the command layer turns them into RESP errors with
 * `saleErrorText` and never writes the texts itself.
 */
export type SaleError =
  | 'NOSALE'
  | 'SOLDOUT'
  | 'TAKEN'
  | 'RANGE'
  | 'LIMIT'
  | 'NOHOLD'
  | 'NOTPURCHASED'
  | 'CONFIRMED'
  | 'OUTOFRANGE';

/** Texts without the leading '-'. TAKEN names its lot, see saleErrorText. */
export const SALE_ERROR_TEXTS = {
  NOSALE: 'NOSALE no such sale',
  SOLDOUT: 'SOLDOUT no lots available',
  TAKEN: 'TAKEN lot %d is not available',
  RANGE: 'ERR lot out of range',
  LIMIT: 'LIMIT user has reached the per-user limit',
  NOHOLD: 'NOHOLD unknown or expired reservation',
  NOTPURCHASED: 'NOTPURCHASED reservation is not purchased',
  CONFIRMED: 'CONFIRMED a confirmed purchase cannot be cancelled',
  // SALE.CREATE with lots, LIMIT or HOLD outside the contract's ranges: sale.md sends bad
  // numbers to the standard Redis error.
  OUTOFRANGE: 'ERR value is not an integer or out of range',
} as const satisfies Record<SaleError, string>;

/** The error text for a sale error; `lot` fills TAKEN (RESERVE LOT n and SALE.MARK). */
export function saleErrorText(error: SaleError, lot = 0): string {
  return error === 'TAKEN' ? `TAKEN lot ${lot} is not available` : SALE_ERROR_TEXTS[error];
}
