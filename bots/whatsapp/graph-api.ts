// A wire-protocol client: the Cloud API (Graph) calls bodega makes, with undici: sends, media upload and read receipts. Graph answers
// every WhatsApp error with an `error.code` that decides what the outbox does, not the HTTP status.
import { Agent, FormData, request } from 'undici';
import { SendError } from '../../src/chat/sender.ts';

export const GRAPH_VERSION = 'v23.0';

export interface CloudApiOptions {
  /** WHATSAPP_GRAPH_BASE: `https://graph.facebook.com`, or another server; a trailing `/vNN.N` is kept as given. */
  graphBase: string;
  phoneNumberId: string;
  token: string;
  timeoutMs?: number;
}

/** A Graph error as Meta sends it. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly title: string,
  ) {
    super(`WhatsApp Cloud API error ${code}: ${title}`);
    this.name = 'GraphError';
  }
}

/** Codes that mean "too many, too fast": wait this long and try again. */
const THROTTLED: Record<number, number> = { 4: 60_000, 80007: 60_000, 130429: 2_000, 131056: 6_000 };
/** Outside the 24-hour customer-service window: only a template reaches the person until they write again. */
export const OUTSIDE_WINDOW = 131047;
/** Why a message waits, as kept on its outbox row for operators (owners read it translated in /avisos). */
export const OUTSIDE_WINDOW_REASON = 'outside the 24-hour window: waits until the person writes (131047)';
const TRANSIENT = new Set([1, 2, 131000, 131016]);
const TOKEN = 190;

/** Maps a failed call to the outbox's rules: wait and retry, hold for the person, or give up. */
export function toSendError(error: unknown): unknown {
  if (!(error instanceof GraphError))
    return new SendError(error instanceof Error ? error.message : String(error), true);
  const wait = THROTTLED[error.code];
  if (wait !== undefined) return new SendError(error.message, true, wait);
  if (error.code === OUTSIDE_WINDOW) return new SendError(error.message, false, undefined, true);
  // A bad or expired token is the operator's to fix: keep retrying slowly rather than drop the message.
  if (error.code === TOKEN) return new SendError(error.message, true, 60_000);
  return new SendError(error.message, TRANSIENT.has(error.code) || error.status >= 500);
}

export function createCloudApi(options: CloudApiOptions) {
  const base = options.graphBase.replace(/\/+$/, '');
  const root = /\/v\d+\.\d+$/.test(base) ? base : `${base}/${GRAPH_VERSION}`;
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 32 });
  const timeout = options.timeoutMs ?? 15_000;
  const headers = { authorization: `Bearer ${options.token}` };

  async function call(path: string, body: string | FormData, json: boolean): Promise<Record<string, unknown>> {
    const response = await request(`${root}/${options.phoneNumberId}/${path}`, {
      method: 'POST',
      dispatcher,
      headers: json ? { ...headers, 'content-type': 'application/json' } : headers,
      body,
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    const text = await response.body.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON: a proxy's page or a crash; the status decides below
    }
    const graphError = parsed.error as { code?: unknown; message?: unknown } | undefined;
    if (response.statusCode >= 400 || graphError) {
      const code = typeof graphError?.code === 'number' ? graphError.code : response.statusCode >= 500 ? 2 : 100;
      const title = typeof graphError?.message === 'string' ? graphError.message : `HTTP ${response.statusCode}`;
      throw new GraphError(response.statusCode, code, title);
    }
    return parsed;
  }

  return {
    /** Sends one message (`to` is the person's number, digits only); answers its wamid. */
    async send(to: string, content: Record<string, unknown>): Promise<string> {
      const body = JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to, ...content });
      const answer = await call('messages', body, true);
      const id = (answer.messages as Array<{ id?: unknown }> | undefined)?.[0]?.id;
      if (typeof id !== 'string') throw new GraphError(200, 2, 'the send answer carried no message id');
      return id;
    },
    /** Uploads a file for a later document or image message; answers its media id. */
    async upload(bytes: Buffer, mime: string, filename: string): Promise<string> {
      const form = new FormData();
      form.set('messaging_product', 'whatsapp');
      form.set('type', mime);
      form.set('file', new Blob([new Uint8Array(bytes)], { type: mime }), filename);
      const answer = await call('media', form, false);
      if (typeof answer.id !== 'string') throw new GraphError(200, 2, 'the upload answer carried no media id');
      return answer.id;
    },
    /** Blue ticks on the person's message: they see we read it. */
    async markRead(messageId: string): Promise<void> {
      await call(
        'messages',
        JSON.stringify({ messaging_product: 'whatsapp', status: 'read', message_id: messageId }),
        true,
      );
    },
    close: () => dispatcher.close(),
  };
}

export type CloudApi = ReturnType<typeof createCloudApi>;
