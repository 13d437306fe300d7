// Glob-style matching as Redis does it for KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET
// and friends: a line-by-line port of stringmatchlen_impl() in Redis 7.0 src/util.c.
//
// Strings are latin1 (one char = one byte). The C code reads pattern[0] / pattern[1]
// past patternLen and relies on the sds NUL terminator being there; patternAt()
// returns 0 out of range to reproduce exactly that.

const STAR = 0x2a; // *
const QUESTION = 0x3f; // ?
const LBRACKET = 0x5b; // [
const RBRACKET = 0x5d; // ]
const BACKSLASH = 0x5c; // \
const CARET = 0x5e; // ^
const DASH = 0x2d; // -

// Redis 7.0.15 (backported CVE-2024-31228 fix): each '*' recursion adds one level and
// anything deeper than this is "no match". Verified on the real server: KEYS with 1000
// "*a" groups matches a key of 2000 'a's, 1001 groups does not.
const MAX_NESTING = 1000;

/** C tolower() in the "C" locale: only A-Z fold. */
function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 32 : c;
}

function signedChar(c: number): number {
  return c >= 0x80 ? c - 0x100 : c;
}

interface MatchState {
  /** Redis's skipLongerMatches: set once a '*' has tried every start position and failed. */
  skipLongerMatches: boolean;
}

function matchImpl(
  pattern: string,
  p: number,
  s: string,
  si: number,
  nocase: boolean,
  state: MatchState,
  nesting: number,
): boolean {
  if (nesting > MAX_NESTING) return false;

  const pend = pattern.length;
  const send = s.length;
  const patternAt = (i: number): number => (i < pend ? pattern.charCodeAt(i) : 0);

  while (p < pend && si < send) {
    switch (patternAt(p)) {
      case STAR: {
        while (p < pend && patternAt(p + 1) === STAR) p++;
        if (p === pend - 1) return true; // trailing '*' matches the rest
        while (si < send) {
          if (matchImpl(pattern, p + 1, s, si, nocase, state, nesting + 1)) return true;
          if (state.skipLongerMatches) return false;
          si++;
        }
        // The rest of the pattern matched nowhere in the rest of the string, so an
        // earlier '*' consuming more cannot help either: it would need the same rest
        // to match starting even later. This keeps "*a*a*a*...b" polynomial
        // instead of exponential.
        state.skipLongerMatches = true;
        return false;
      }
      case QUESTION:
        si++;
        break;
      case LBRACKET: {
        p++;
        const not = patternAt(p) === CARET;
        if (not) p++;
        let match = false;
        const c = s.charCodeAt(si);
        for (;;) {
          const pc = patternAt(p);
          if (pc === BACKSLASH && pend - p >= 2) {
            p++;
            // Redis: an escaped char inside [] is compared case-sensitively even with nocase.
            if (patternAt(p) === c) match = true;
          } else if (pc === RBRACKET) {
            break;
          } else if (p === pend) {
            // Unterminated class: step back so the shared p++ below lands on the end.
            p--;
            break;
          } else if (pend - p >= 3 && patternAt(p + 1) === DASH) {
            // Range bounds are compared as C `char`, which is signed on x86-64: bytes
            // 0x80-0xff sort below NUL. From the real server: "[a-\xe9]" matches
            // "\\" and "A" (both in \xe9..a, i.e. -23..97) but not "c".
            let start = signedChar(pc);
            let end = signedChar(patternAt(p + 2));
            let cc = signedChar(c);
            if (start > end) {
              const t = start;
              start = end;
              end = t;
            }
            if (nocase) {
              start = lower(start);
              end = lower(end);
              cc = lower(cc);
            }
            p += 2;
            if (cc >= start && cc <= end) match = true;
          } else if (nocase ? lower(pc) === lower(c) : pc === c) {
            match = true;
          }
          p++;
        }
        if (not) match = !match;
        if (!match) return false;
        si++;
        break;
      }
      default: {
        // A backslash escapes the next char; a trailing one is itself a literal.
        if (patternAt(p) === BACKSLASH && pend - p >= 2) p++;
        const pc = patternAt(p);
        const c = s.charCodeAt(si);
        if (nocase ? lower(pc) !== lower(c) : pc !== c) return false;
        si++;
        break;
      }
    }
    p++;
    if (si === send) {
      while (patternAt(p) === STAR) p++;
      break;
    }
  }
  return p === pend && si === send;
}

/**
 * Redis `stringmatchlen(pattern, s, nocase)`: `*`, `?`, `[abc]`, `[^a]`, `[a-z]`
 * (reversed ranges too), `\` escapes, ASCII-only case folding when `nocase`.
 * Patterns that would recurse more than 1000 stars deep never match.
 */
export function stringMatch(pattern: string, s: string, nocase = false): boolean {
  return matchImpl(pattern, 0, s, 0, nocase, { skipLongerMatches: false }, 0);
}

/**
 * True when `pattern` contains none of `* ? [ \`, so (case-sensitively) it matches
 * exactly the one string equal to itself and a caller can do a direct key lookup
 * instead of a scan. Not valid for `nocase` matching.
 */
export function isLiteralPattern(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if (c === STAR || c === QUESTION || c === LBRACKET || c === BACKSLASH) return false;
  }
  return true;
}

/**
 * True for the pattern "*" alone. KEYS and SCAN MATCH test this first and skip
 * matching (Redis: `allkeys = (pattern[0] == '*' && plen == 1)`), which matters
 * because stringMatch("*", "") is false: the empty key is listed by KEYS * only
 * thanks to this shortcut.
 */
export function isMatchAllPattern(pattern: string): boolean {
  return pattern === '*';
}
