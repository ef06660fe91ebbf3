import { Hono } from 'hono';
import type { CallbackOutcome } from '../../domain/shops/index.ts';
import { type MessageKey, t } from '../../i18n/index.ts';

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );

function page(status: 200 | 400, paragraphs: string[]): Response {
  const body = paragraphs.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n');
  const html = `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(t('es', 'shops.page_title'))}</title></head><body style="font-family:sans-serif;max-width:36em;margin:3em auto">
${body}</body></html>`;
  return new Response(html, {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'referrer-policy': 'no-referrer' },
  });
}

const pageKeys: Record<CallbackOutcome['outcome'], MessageKey> = {
  connected: 'shops.page_connected',
  bad_state: 'shops.page_bad_state',
  expired: 'shops.page_expired',
  denied: 'shops.page_denied',
  failed: 'shops.page_failed',
};

/**
 * `GET /oauth/etsy/callback`: Etsy sends the seller back here with `code` and `state` (or `error`). The page is
 * plain and in the language of the chat that asked; a state that is unknown, used or expired changes nothing and
 * says so in Spanish and English (nobody is known to ask in one language).
 */
export function etsyOauthRoutes(
  finish: (query: { state?: string; code?: string; error?: string }) => Promise<CallbackOutcome>,
) {
  const app = new Hono();
  app.get('/callback', async (c) => {
    const query = new URL(c.req.url).searchParams;
    const short = (name: string) => {
      const value = query.get(name);
      return value && value.length <= 512 ? value : undefined;
    };
    const outcome = await finish({
      ...(short('state') ? { state: short('state') } : {}),
      ...(short('code') ? { code: short('code') } : {}),
      ...(short('error') ? { error: short('error') } : {}),
    });
    const key = pageKeys[outcome.outcome];
    if (outcome.outcome === 'connected') return page(200, [t(outcome.locale, key, { shop: outcome.shopName })]);
    if ('locale' in outcome) return page(400, [t(outcome.locale, key)]);
    return page(400, [t('es', key), t('en', key)]);
  });
  return app;
}
