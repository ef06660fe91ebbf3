/** Webhook bodies above this are refused with 413 before they are read further (a Telegram update is a few KB). */
export const WEBHOOK_BODY_LIMIT = 64 * 1024;
/** Platforms nest a handful of levels (a message quoting a message); far deeper JSON is not from them. */
const MAX_DEPTH = 24;
/** Half of a UTF-16 pair without its other half: JSON can spell it (`\ud800`), but it is no character. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export type BodyRefusal = { ok: false; status: 400 | 413; error: 'too_large' | 'invalid_body'; message: string };
export type BodyResult<T> = { ok: true; value: T } | BodyRefusal;

/** Reads at most `maxBytes` of a request body; a larger body (by its header or as it streams) is refused with 413. */
export async function readBody(request: Request, maxBytes = WEBHOOK_BODY_LIMIT): Promise<BodyResult<Uint8Array>> {
  const tooLarge: BodyRefusal = {
    ok: false,
    status: 413,
    error: 'too_large',
    message: `Body is larger than ${maxBytes} bytes`,
  };
  const declared = request.headers.get('content-length');
  if (Number(declared ?? 0) > maxBytes) return tooLarge;
  // A body of a declared length (an HTTP server holds it to exactly that) is read in one go, without a stream:
  // through the Node adapter that skips building a web stream for every delivery.
  if (declared !== null && /^\d+$/.test(declared) && !request.headers.has('transfer-encoding')) {
    const whole = new Uint8Array(await request.arrayBuffer());
    return whole.byteLength > maxBytes ? tooLarge : { ok: true, value: whole };
  }
  if (!request.body) return { ok: true, value: new Uint8Array() };
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return tooLarge;
    }
    chunks.push(value);
  }
  return { ok: true, value: Buffer.concat(chunks) };
}

/**
 * Parses a webhook body as JSON text a person could have written: valid UTF-8, no NUL characters and no lone
 * surrogates in any key or string (Postgres cannot store them, and no platform sends them), not absurdly deep.
 */
export function parseJsonBody(bytes: Uint8Array): BodyResult<unknown> {
  const invalid = (message: string): BodyRefusal => ({ ok: false, status: 400, error: 'invalid_body', message });
  let textBody: string;
  try {
    textBody = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return invalid('Body is not valid UTF-8 text');
  }
  let value: unknown;
  try {
    value = JSON.parse(textBody);
  } catch {
    return invalid('Body is not JSON');
  }
  const problem = findInvalidText(value);
  return problem ? invalid(problem) : { ok: true, value };
}

/** The first place in a JSON value holding text no platform sends, described as `path: problem`; undefined when clean. */
export function findInvalidText(root: unknown): string | undefined {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) return `${path || 'body'}: ${problem}`;
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_DEPTH) return `${path || 'body'}: nested more than ${MAX_DEPTH} levels deep`;
    for (const [key, child] of Object.entries(value)) {
      const keyProblem = textProblem(key);
      if (keyProblem) return `${path || 'body'}: a key ${keyProblem}`;
      stack.push({ value: child, path: path ? `${path}.${key}` : key, depth: depth + 1 });
    }
  }
  return undefined;
}

function textProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'contains a NUL character';
  if (LONE_SURROGATE.test(value)) return 'is not valid Unicode text';
  return undefined;
}

/** The HTTP answer to a refused body: JSON naming what was wrong. */
export function refusal(result: BodyRefusal): Response {
  return Response.json({ error: result.error, message: result.message }, { status: result.status });
}
