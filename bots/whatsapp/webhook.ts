import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { parseJsonBody, readBody, refusal } from '../../src/chat/webhook-body.ts';
import type { Logger } from '../../src/logger.ts';
import type { WhatsappAdapter } from './adapter.ts';
import { parseCloudWebhook } from './payloads.ts';

/** Meta batches events (up to a thousand statuses); far larger bodies are not from Meta. */
const BODY_LIMIT = 1024 * 1024;

export interface CloudWebhookOptions {
  verifyToken: string;
  appSecret: string;
  adapter: Pick<WhatsappAdapter, 'accept'>;
  log: Logger;
}

/** `GET|POST /webhooks/whatsapp`: Meta's verification handshake, and signed event deliveries acknowledged fast. */
export function createCloudWebhook(options: CloudWebhookOptions) {
  const { log } = options;
  return {
    /** `hub.mode=subscribe` with the right `hub.verify_token` answers `hub.challenge`; anything else 403. */
    verify(url: URL): Response {
      const query = url.searchParams;
      const challenge = query.get('hub.challenge') ?? '';
      const subscribe = query.get('hub.mode') === 'subscribe';
      if (subscribe && sameSecret(options.verifyToken, query.get('hub.verify_token')) && challenge !== '')
        return new Response(challenge, { status: 200, headers: { 'content-type': 'text/plain' } });
      return new Response('forbidden', { status: 403 });
    },

    /** The signature over the raw bytes is checked before anything is parsed: 401 and nothing done without it. */
    async handle(request: Request): Promise<Response> {
      const body = await readBody(request, BODY_LIMIT);
      if (!body.ok) return refusal(body);
      if (!signatureMatches(options.appSecret, body.value, request.headers.get('x-hub-signature-256')))
        return Response.json({ error: 'unauthorized' }, { status: 401 });
      const parsed = parseJsonBody(body.value);
      if (!parsed.ok) return refusal(parsed);
      const events = parseCloudWebhook(parsed.value);
      if (!events.ok) return refusal({ ok: false, status: 400, error: 'invalid_body', message: events.message });
      try {
        await options.adapter.accept(events.events);
        return new Response('ok', { status: 200 });
      } catch (error) {
        log.error({ err: error }, 'whatsapp events not recorded; asking Meta to retry');
        return Response.json({ error: 'unavailable' }, { status: 503, headers: { 'Retry-After': '5' } });
      }
    },
  };
}

/** `sha256=<hex HMAC-SHA256 of the raw body with the app secret>`, compared in constant time. */
export function signatureMatches(appSecret: string, raw: Uint8Array, header: string | null): boolean {
  if (!appSecret || !header) return false;
  const expected = `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;
  return sameSecret(expected, header.trim().toLowerCase());
}

/** Constant-time equality of two strings of any length (both are hashed first). */
function sameSecret(expected: string, received: string | null): boolean {
  if (!expected || received === null) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(expected), digest(received));
}
