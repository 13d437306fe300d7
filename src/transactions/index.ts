import type { Client } from '../network/client.js';
import { existingWatchedKeys } from './watch.js';

export { WatchedKeys, existingWatchedKeys, watchedKeys } from './watch.js';

/** Redis's discardTransaction: the queue goes, and with it the watches and the dirty marks. */
export function discardTransaction(client: Client): void {
  client.multi = null;
  client.dirtyCas = false;
  existingWatchedKeys(client.server)?.unwatchAllKeys(client);
}

/**
 * Redis's execCommandAbort, for an EXEC the dispatcher refuses (arity, NOAUTH, ACL,
 * subscribed context...): the transaction is discarded and the reason follows EXECABORT,
 * without its "ERR " ("... because of: wrong number of arguments for 'exec' command").
 */
export function execAbortReply(client: Client, error: string): string {
  discardTransaction(client);
  return `EXECABORT Transaction discarded because of: ${error.startsWith('ERR ') ? error.slice(4) : error}`;
}
