// What the fake's parts hand back to the HTTP layer: a status, a JSON body and extra headers (a redirect
// carries `location`, a page carries `text`).
export interface FakeAnswer {
  status: number;
  body?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

/** Etsy's error shape (`ErrorSchema`: `{error}`; OAuth errors add `error_description`). */
export function etsyError(status: number, error: string, description?: string): FakeAnswer {
  return { status, body: description === undefined ? { error } : { error, error_description: description } };
}

export function ok(body: unknown, status = 200): FakeAnswer {
  return { status, body };
}
