// What the fake's own tests talk to it with: Graph calls through undici, and a real webhook receiver that checks
// X-Hub-Signature-256 the way bodega must (HMAC of the raw bytes, compared in constant time, before parsing).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FormData, fetch, request } from 'undici';
import type { WhatsappFake } from './index.ts';

export function graphClient(fake: WhatsappFake, token: string | null = fake.token) {
  const auth: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
  const url = (path: string) => `${fake.graphBase}/${fake.version}/${path}`;
  return {
    async send(body: unknown, phoneNumberId = fake.phoneNumberId) {
      const response = await request(url(`${phoneNumberId}/messages`), {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.statusCode, body: (await response.body.json()) as any };
    },
    async upload(fields: { file?: Blob; filename?: string; type?: string; messaging_product?: string }) {
      const form = new FormData();
      if (fields.file) form.set('file', fields.file, fields.filename ?? 'file');
      if (fields.type !== undefined) form.set('type', fields.type);
      if (fields.messaging_product !== undefined) form.set('messaging_product', fields.messaging_product);
      const response = await fetch(url(`${fake.phoneNumberId}/media`), { method: 'POST', headers: auth, body: form });
      return { status: response.status, body: (await response.json()) as any };
    },
    async get(target: string) {
      const response = await request(target.startsWith('http') ? target : url(target), { headers: auth });
      return {
        status: response.statusCode,
        headers: response.headers,
        bytes: Buffer.from(await response.body.arrayBuffer()),
      };
    },
  };
}

export interface ReceivedWebhook {
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
  verified: boolean;
  payload: any;
}

/** A real HTTP receiver standing where bodega's `/webhooks/whatsapp` will: verify, then parse, then 200. */
export async function startWebhookReceiver(appSecret: string, verifyToken: string) {
  const received: ReceivedWebhook[] = [];
  const server = createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://receiver').searchParams;
    if (req.method === 'GET') {
      const ok = query.get('hub.mode') === 'subscribe' && query.get('hub.verify_token') === verifyToken;
      res.writeHead(ok ? 200 : 403).end(ok ? (query.get('hub.challenge') ?? '') : 'forbidden');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      const verified = signatureMatches(rawBody, req.headers['x-hub-signature-256'], appSecret);
      received.push({
        rawBody,
        headers: req.headers,
        verified,
        payload: verified ? JSON.parse(rawBody.toString()) : null,
      });
      res.writeHead(verified ? 200 : 401).end(verified ? 'EVENT_RECEIVED' : 'bad signature');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function signatureMatches(rawBody: Buffer, header: string | string[] | undefined, appSecret: string): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The structure of a JSON value (keys and value types), to compare our payloads with Meta's examples. */
export function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])];
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, shapeOf((value as Record<string, unknown>)[key])]),
    );
  return typeof value;
}
