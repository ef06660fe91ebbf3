import { AppError } from '../../../errors.ts';

const MARKER = '_init_data_';

/**
 * Finds the object assigned to `window._dida_config_._init_data_` in a search page and returns its
 * `data` member, parsed. The assignment is JavaScript (the outer `data` key is unquoted), so the
 * object is located by matching braces outside string literals, never by a regex over the page.
 */
export function extractInitData(html: string): unknown {
  const assignment = /\s*=\s*(?=\{)/y;
  const member = /\{\s*(?:data|"data")\s*:\s*/y;
  let from = 0;
  for (;;) {
    const at = html.indexOf(MARKER, from);
    if (at === -1) throw unreadable('The page has no search data');
    from = at + MARKER.length;
    // Sticky expressions read at a position, so no copy of the rest of the page is made per look.
    assignment.lastIndex = from;
    if (!assignment.test(html)) continue;
    const open = assignment.lastIndex;
    member.lastIndex = open;
    if (!member.test(html)) {
      matchingBrace(html, open); // a cut page says so before it says the shape is unexpected
      throw unreadable('The search data has an unexpected shape');
    }
    const start = member.lastIndex;
    const end = matchingBrace(html, start);
    // The whole assignment must be there, or the page was cut short: the scan goes on from inside it.
    closingBrace(html, end + 1, 1);
    const inner = html.slice(start, end + 1);
    try {
      return JSON.parse(inner);
    } catch (error) {
      throw unreadable('The search data is not valid JSON', error);
    }
  }
}

const QUOTE = 34;
const APOSTROPHE = 39;
const BACKSLASH = 92;
const OPEN = 123;
const CLOSE = 125;

/** Index of the brace closing the one at `open`, skipping braces inside string literals. */
export function matchingBrace(text: string, open: number): number {
  return closingBrace(text, open, 0);
}

/** Where the text reaches depth 0, starting at `from` already `depth` braces deep (outside any string). */
function closingBrace(text: string, from: number, depth: number): number {
  let quote = 0;
  for (let i = from; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (quote !== 0) {
      if (char === BACKSLASH) i++;
      else if (char === quote) quote = 0;
    } else if (char === QUOTE || char === APOSTROPHE) {
      quote = char;
    } else if (char === OPEN) {
      depth++;
    } else if (char === CLOSE && --depth === 0) {
      return i;
    }
  }
  throw unreadable('The search data is cut short');
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
  return /_{5}tmd_{5}\/punish|x5secdata|baxia-punish|nc_1_n1z|captcha-?verify/i.test(html) && !html.includes(MARKER);
}
