// Inline-command argument splitting: a port of sdssplitargs() from Redis 7.0 src/sds.c,
// which processInlineBuffer() applies to a request line such as
//   SET "my key" 'it\'s' "\x00\xff\n"
// Redis answers null with "Protocol error: unbalanced quotes in request".

/** C isspace() in the "C" locale. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/**
 * Split `line` into arguments like sdssplitargs(): blanks separate arguments;
 * "double quotes" understand \xHH, \n, \r, \t, \b, \a and \<any> (that char);
 * 'single quotes' understand only \'; a closing quote must be followed by
 * whitespace or the end of the line. Returns null for unbalanced quotes or a quote
 * closed against a following char. An empty or all-blank line gives [].
 *
 * The C code walks a NUL-terminated string, so the line ends at its first NUL: text
 * after it is ignored, and a quote still open there is unbalanced.
 */
export function splitArgs(line: string): string[] | null {
  const nul = line.indexOf('\0');
  const end = nul < 0 ? line.length : nul;
  const at = (i: number): number => (i < end ? line.charCodeAt(i) : 0);
  const args: string[] = [];
  let p = 0;
  for (;;) {
    while (p < end && isSpace(at(p))) p++;
    if (p >= end) return args;

    let current = '';
    let inDouble = false;
    let inSingle = false;
    let done = false;
    while (!done) {
      const c = at(p);
      if (inDouble) {
        if (c === 0x5c && at(p + 1) === 0x78 && hexValue(at(p + 2)) >= 0 && hexValue(at(p + 3)) >= 0) {
          current += String.fromCharCode(hexValue(at(p + 2)) * 16 + hexValue(at(p + 3)));
          p += 3;
        } else if (c === 0x5c && at(p + 1) !== 0) {
          p++;
          const e = at(p);
          switch (e) {
            case 0x6e: current += '\n'; break;
            case 0x72: current += '\r'; break;
            case 0x74: current += '\t'; break;
            case 0x62: current += '\b'; break;
            case 0x61: current += '\x07'; break;
            default: current += String.fromCharCode(e); break;
          }
        } else if (c === 0x22) {
          // Redis: closing quote must be followed by a space or nothing at all.
          if (at(p + 1) !== 0 && !isSpace(at(p + 1))) return null;
          done = true;
        } else if (c === 0) {
          return null; // unterminated quotes
        } else {
          current += String.fromCharCode(c);
        }
      } else if (inSingle) {
        if (c === 0x5c && at(p + 1) === 0x27) {
          p++;
          current += "'";
        } else if (c === 0x27) {
          if (at(p + 1) !== 0 && !isSpace(at(p + 1))) return null;
          done = true;
        } else if (c === 0) {
          return null;
        } else {
          current += String.fromCharCode(c);
        }
      } else {
        switch (c) {
          // Only these end an unquoted argument: \v and \f are kept as part of it,
          // though isspace() skips them between arguments.
          case 0x20:
          case 0x0a:
          case 0x0d:
          case 0x09:
          case 0:
            done = true;
            break;
          case 0x22:
            inDouble = true;
            break;
          case 0x27:
            inSingle = true;
            break;
          default: {
            // A run of plain characters in one slice: every inline request (and all the
            // garbage a hostile client sends) comes through here
            let j = p + 1;
            while (j < end) {
              const d = line.charCodeAt(j);
              if (d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09 || d === 0x22 || d === 0x27) break;
              j++;
            }
            current += line.slice(p, j);
            p = j;
            continue;
          }
        }
      }
      if (p < end) p++;
    }
    args.push(current);
  }
}
