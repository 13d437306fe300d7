/** Blocking commands' shared machinery: the blocked-clients registry and the timeout argument. */
export {
  BlockingKeys,
  blockForKeys,
  blockedClientCount,
  blockingKeys,
  mayBlock,
  type BlockedType,
  type ServeBlocked,
  type UnblockReason,
} from './blockingKeys.js';
export { parseBlockingTimeout } from './timeout.js';
