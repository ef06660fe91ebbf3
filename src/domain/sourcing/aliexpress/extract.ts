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
    const equals = html.slice(from).match(/^\s*=\s*/);
    if (!equals) continue;
    const open = from + equals[0].length;
    if (html[open] !== '{') continue;
    const outer = html.slice(open, matchingBrace(html, open) + 1);
    const member = outer.match(/^\{\s*(?:data|"data")\s*:\s*/);
    if (!member) throw unreadable('The search data has an unexpected shape');
    const start = member[0].length;
    const inner = outer.slice(start, matchingBrace(outer, start) + 1);
    try {
      return JSON.parse(inner);
    } catch (error) {
      throw unreadable('The search data is not valid JSON', error);
    }
  }
}

/** Index of the brace closing the one at `open`, skipping braces inside string literals. */
export function matchingBrace(text: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === '\\') i++;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === '{') {
      depth++;
    } else if (char === '}' && --depth === 0) {
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
