import type { Client } from './client.js';

/** The socket's file descriptor, when Node exposes it (CLIENT LIST fd=). */
function fdOf(c: Client): number {
  const handle = (c.socket as { _handle?: { fd?: number } })._handle;
  return typeof handle?.fd === 'number' ? handle.fd : -1;
}

/** Redis's getClientInfoString, in Redis 7.2's field order (7.0's plus lib-name and lib-ver). */
export function clientInfoLine(c: Client, caller?: Client, running?: string): string {
  const now = Date.now();
  let flags = '';
  if (c.monitor) flags += 'O';
  if (c.subscriptionCount > 0) flags += 'P';
  if (c.multi !== null) flags += 'x';
  if (c.blocked) flags += 'b';
  if (c.dirtyCas) flags += 'd';
  if (c.closing) flags += 'c';
  if (c.noEvict) flags += 'e';
  if (c.noTouch) flags += 'T';
  if (flags === '') flags = 'N';
  let multiMem = 0;
  if (c.multi !== null) for (const q of c.multi.queue) for (const a of q.argv) multiMem += a.length;
  const qbuf = c.parser.bufferedBytes;
  const omem = c.outputBytes;
  return (
    `id=${c.id} addr=${c.remoteAddress} laddr=${c.localAddress} fd=${fdOf(c)} name=${c.name}` +
    ` age=${Math.floor((now - c.createdAt) / 1000)} idle=${Math.floor((now - c.lastInteraction) / 1000)}` +
    ` flags=${flags} db=${c.dbIndex} sub=${c.channels.size} psub=${c.patterns.size} ssub=${c.shardChannels.size}` +
    ` multi=${c.multi === null ? -1 : c.multi.queue.length} qbuf=${qbuf} qbuf-free=0 argv-mem=0 multi-mem=${multiMem}` +
    ` rbs=0 rbp=0 obl=0 oll=0 omem=${omem} tot-mem=${qbuf + omem + multiMem}` +
    ` events=r${omem > 0 ? 'w' : ''} cmd=${c === caller ? running : c.lastCommand} user=${c.user} redir=-1 resp=${c.resp}` +
    ` lib-name=${c.libName} lib-ver=${c.libVer}`
  );
}
