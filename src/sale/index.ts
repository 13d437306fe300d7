export {
  SaleValue,
  createSale,
  saleMemoryUsage,
  MAX_LOTS,
  MAX_HOLD_MS,
  DEFAULT_HOLD_MS,
} from './sale.js';
export type {
  SaleEnv,
  SaleOptions,
  SaleEvent,
  SaleListener,
  SaleCode,
  Reservation,
  LotState,
  LotView,
  SoldEntry,
  SoldPage,
  SaleInfo,
  ReserveResult,
  PurchaseResult,
  ConfirmResult,
  CancelResult,
  MarkResult,
} from './sale.js';
export { SaleRuntime } from './runtime.js';
export { SALE_ERROR_TEXTS, saleErrorText } from './errors.js';
export type { SaleError } from './errors.js';
export { CODE_LENGTH } from './codes.js';
