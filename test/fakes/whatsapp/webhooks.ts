// Webhooks as Meta delivers them: `{object:'whatsapp_business_account', entry:[{id, changes:[{value, field}]}]}`,
// serialized the way Meta serializes (non-ASCII as lowercase \uXXXX escapes, `/` as `\/`) and signed with
// `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of those exact bytes with the app secret>`. Meta documents that
// the signature covers the escaped form, so an adapter that re-serializes the parsed JSON computes a different one.
import { createHmac } from 'node:crypto';
import { type ErrorCode, statusError } from './errors.ts';

export interface BusinessNumber {
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
}

export type SignatureMode = 'valid' | 'bad' | 'missing';

export interface Delivery {
  url: string;
  payload: Record<string, any>;
  /** The exact bytes posted (and signed). */
  rawBody: string;
  headers: Record<string, string>;
  status: number;
  responseBody: string;
}

export type MessageStatus = 'sent' | 'delivered' | 'read' | 'failed';

/** PHP's json_encode, which Meta's payloads follow: escaped slashes and \u escapes for everything past ASCII. */
export function serializeLikeMeta(payload: unknown): string {
  return JSON.stringify(payload).replace(/[\u0080-\uffff]|\//g, (char) =>
    char === '/' ? '\\/' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export function signatureFor(rawBody: string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody, 'utf8').digest('hex')}`;
}

function envelope(business: BusinessNumber, value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: business.wabaId,
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: business.displayPhoneNumber, phone_number_id: business.phoneNumberId },
              ...value,
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
}

/** An incoming message from a user, with the contact block Meta puts beside it. */
export function inboundPayload(
  business: BusinessNumber,
  sender: { waId: string; name: string },
  message: Record<string, unknown>,
) {
  return envelope(business, {
    contacts: [{ profile: { name: sender.name }, wa_id: sender.waId }],
    messages: [{ from: sender.waId, ...message }],
  });
}

export interface StatusDetails {
  messageId: string;
  status: MessageStatus;
  recipientWaId: string;
  timestamp: string;
  category: 'service' | 'utility' | 'marketing' | 'authentication';
  error?: { code: ErrorCode; details?: string };
}

/** A delivery status for a message the business sent; failed ones carry `errors[]`, the others pricing. */
export function statusPayload(business: BusinessNumber, details: StatusDetails) {
  const status: Record<string, unknown> = {
    id: details.messageId,
    status: details.status,
    timestamp: details.timestamp,
    recipient_id: details.recipientWaId,
  };
  if (details.status === 'failed') {
    status.errors = [statusError(details.error?.code ?? 131026, details.error?.details)];
  } else if (details.status !== 'read') {
    status.conversation = {
      id: Buffer.from(`conversation:${details.recipientWaId}`).toString('hex').slice(0, 32),
      ...(details.status === 'sent' ? { expiration_timestamp: String(Number(details.timestamp) + 86_400) } : {}),
      origin: { type: details.category },
    };
    status.pricing = { billable: true, pricing_model: 'PMP', category: details.category };
  }
  return envelope(business, { statuses: [status] });
}

/** Posts a body to the webhook URL, signed (or not) as asked; answers what the receiver said. */
export async function postWebhook(
  url: string,
  payload: Record<string, any>,
  options: { appSecret: string; signature: SignatureMode; rawBody?: string },
): Promise<Delivery> {
  const rawBody = options.rawBody ?? serializeLikeMeta(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'facebookexternalua',
  };
  if (options.signature === 'valid') headers['x-hub-signature-256'] = signatureFor(rawBody, options.appSecret);
  if (options.signature === 'bad')
    headers['x-hub-signature-256'] = signatureFor(rawBody, `${options.appSecret}-not-the-app-secret`);
  const response = await fetch(url, { method: 'POST', headers, body: rawBody, redirect: 'manual' });
  return { url, payload, rawBody, headers, status: response.status, responseBody: await response.text() };
}

/** Posts a delivery's exact bytes and headers again (Meta's retry of the same event). */
export async function repost(delivery: Delivery): Promise<Delivery> {
  const response = await fetch(delivery.url, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.rawBody,
    redirect: 'manual',
  });
  return { ...delivery, status: response.status, responseBody: await response.text() };
}
