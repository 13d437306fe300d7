/**
 * Test-side RESP tools: find where one reply ends in a byte stream (RESP2 and RESP3), so
 * tests can compare replies byte for byte with a real redis-server.
 */

/** Length in bytes of the first complete reply in buf starting at pos, or -1 if incomplete. */
export function replyLength(buf: Buffer, pos = 0): number {
  const end = scan(buf, pos);
  return end < 0 ? -1 : end - pos;
}

function lineEnd(buf: Buffer, pos: number): number {
  const cr = buf.indexOf('\r\n', pos);
  return cr;
}

function scan(buf: Buffer, pos: number): number {
  if (pos >= buf.length) return -1;
  const type = String.fromCharCode(buf[pos]!);
  const le = lineEnd(buf, pos);
  if (le < 0) return -1;
  const header = buf.toString('latin1', pos + 1, le);
  let p = le + 2;
  switch (type) {
    case '+': case '-': case ':': case '_': case ',': case '#': case '(':
      return p;
    case '$': case '=': case '!': {
      const n = Number(header);
      if (n < 0) return p;
      return buf.length >= p + n + 2 ? p + n + 2 : -1;
    }
    case '*': case '~': case '>': case '%': case '|': {
      let n = Number(header);
      if (n < 0) return p;
      if (type === '%' || type === '|') n *= 2;
      for (let i = 0; i < n; i++) {
        p = scan(buf, p);
        if (p < 0) return -1;
      }
      if (type === '|') return scan(buf, p); // an attribute precedes the real reply
      return p;
    }
    default:
      throw new Error(`bad reply type byte ${JSON.stringify(type)} at ${pos}: ${JSON.stringify(buf.toString('latin1', pos, pos + 40))}`);
  }
}

/** Encodes argv as a RESP multibulk request. */
export function encodeCommand(argv: readonly (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
  for (const a of argv) {
    const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}
