/**
 * Decodes one raw RESP2/RESP3 reply (as RawClient returns it) into a tree that keeps every
 * distinction the protocol makes, so two servers' replies can be compared structurally
 * (for instance after sorting parts whose order Redis leaves to its hash tables).
 */
export type RespValue =
  | { t: 'simple'; v: string }
  | { t: 'error'; v: string }
  | { t: 'int'; v: string }
  | { t: 'bulk'; v: string }
  | { t: 'verbatim'; v: string }
  | { t: 'double'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'null'; v: string }
  | { t: 'array'; v: RespValue[] }
  | { t: 'set'; v: RespValue[] }
  | { t: 'push'; v: RespValue[] }
  | { t: 'map'; v: [RespValue, RespValue][] };

export function decodeResp(raw: string): RespValue {
  const [value, end] = parse(raw, 0);
  if (end !== raw.length) throw new Error(`trailing bytes after a reply: ${JSON.stringify(raw.slice(end, end + 40))}`);
  return value;
}

function parse(s: string, pos: number): [RespValue, number] {
  const le = s.indexOf('\r\n', pos);
  if (le < 0) throw new Error('incomplete reply');
  const type = s[pos]!;
  const head = s.slice(pos + 1, le);
  let p = le + 2;
  switch (type) {
    case '+':
      return [{ t: 'simple', v: head }, p];
    case '-':
      return [{ t: 'error', v: head }, p];
    case ':':
      return [{ t: 'int', v: head }, p];
    case ',':
      return [{ t: 'double', v: head }, p];
    case '#':
      return [{ t: 'bool', v: head === 't' }, p];
    case '_':
      return [{ t: 'null', v: '_' }, p];
    case '$':
    case '=': {
      const n = Number(head);
      if (n < 0) return [{ t: 'null', v: '$-1' }, p];
      return [{ t: type === '$' ? 'bulk' : 'verbatim', v: s.slice(p, p + n) }, p + n + 2];
    }
    case '*':
    case '~':
    case '>': {
      const n = Number(head);
      if (n < 0) return [{ t: 'null', v: '*-1' }, p];
      const items: RespValue[] = [];
      for (let i = 0; i < n; i++) {
        const [v, next] = parse(s, p);
        items.push(v);
        p = next;
      }
      return [{ t: type === '*' ? 'array' : type === '~' ? 'set' : 'push', v: items }, p];
    }
    case '%': {
      const n = Number(head);
      const pairs: [RespValue, RespValue][] = [];
      for (let i = 0; i < n; i++) {
        const [k, afterKey] = parse(s, p);
        const [v, afterValue] = parse(s, afterKey);
        pairs.push([k, v]);
        p = afterValue;
      }
      return [{ t: 'map', v: pairs }, p];
    }
    default:
      throw new Error(`unknown reply type ${JSON.stringify(type)}`);
  }
}

/** The text of a simple, bulk or verbatim string (throws on anything else). */
export function text(v: RespValue): string {
  if (v.t === 'simple' || v.t === 'bulk' || v.t === 'verbatim' || v.t === 'int') return v.v;
  throw new Error(`not a string reply: ${v.t}`);
}

/** The value at `key` in a RESP3 map (undefined when absent). */
export function mapGet(m: RespValue, key: string): RespValue | undefined {
  if (m.t !== 'map') throw new Error(`not a map: ${m.t}`);
  return m.v.find(([k]) => text(k) === key)?.[1];
}
