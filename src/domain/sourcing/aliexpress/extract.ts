import { AppError } from '../../../errors.ts';

const MARKER = '_init_data_';

/**
 * Finds the object assigned to `window._dida_config_._init_data_` in a search page and returns its
 * `data` member, parsed. The assignment is JavaScript (the outer `data` key is unquoted), so the
 * object is located by matching braces outside string literals, never by a regex over the page.
 */
export function extractInitData(html: string): unknown {
  let from = 0;
  for (;;) {
    const at = html.indexOf(MARKER, from);
    if (at === -1) throw unreadable('The page has no search data');
    from = at + MARKER.length;
    ASSIGNMENT.lastIndex = from;
    const assignment = ASSIGNMENT.exec(html);
    if (!assignment) continue;
    // Only the inner object is scanned for its end: the outer one is the same text plus a closing brace.
    const start = from + assignment[0].length;
    if (html.charCodeAt(start) !== OPEN) throw unreadable('The search data has an unexpected shape');
    try {
      return JSON.parse(html.slice(start, matchingBrace(html, start) + 1));
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw unreadable('The search data is not valid JSON', error);
    }
  }
}

/** `= { data:` right after the marker (sticky: matched in place, never on a copy of the page). */
const ASSIGNMENT = /\s*=\s*\{\s*(?:data|"data")\s*:\s*/y;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;

/** Index of the brace closing the one at `open`, skipping braces inside string literals. */
export function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === DOUBLE_QUOTE || code === SINGLE_QUOTE) i = closingQuote(text, i);
    else if (code === OPEN) depth++;
    else if (code === CLOSE && --depth === 0) return i;
  }
  throw unreadable('The search data is cut short');
}

/** Index of the quote that closes the string literal opening at `at` (a quote after an odd run of backslashes is escaped). */
function closingQuote(text: string, at: number): number {
  const quote = text[at] as string;
  let from = at + 1;
  for (;;) {
    const end = text.indexOf(quote, from);
    if (end === -1) throw unreadable('The search data is cut short');
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return end;
    from = end + 1;
  }
}

/** What a block or challenge is reported as, whichever AliExpress door it came from. */
export function blockedError(): AppError {
  return new AppError(
    'upstream_blocked',
    'AliExpress answered with a verification page',
    { source: 'AliExpress' },
    'error.upstream_blocked',
  );
}

/** An answer that is not what AliExpress sends when things work (a changed page, cut JSON): named, never guessed. */
export function unreadable(message: string, cause?: unknown): AppError {
  return new AppError('upstream_failed', message, { source: 'AliExpress' }, 'error.upstream_unreadable', { cause });
}

/** AliExpress's anti-bot answer: a small page pointing at the punish/captcha flow instead of results. */
export function isBlockPage(html: string): boolean {
  // A page with the search data is never a block page, so the pattern need not scan a whole results page.
  return !html.includes(MARKER) && /_{5}tmd_{5}\/punish|x5secdata|baxia-punish|nc_1_n1z|captcha-?verify/i.test(html);
}
