import type { MessageKey, Params } from './i18n/index.ts';

/** The catalogue key of the text a user reads for an error (domain code names it without importing i18n). */
export type Reason = MessageKey;

/** Every failure the program knows how to explain; chat text and HTTP status are derived from it. */
export type ErrorCode =
  | 'invalid_input'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'insufficient_stock'
  | 'rate_limited'
  | 'upstream_blocked'
  | 'upstream_failed'
  | 'unavailable'
  | 'internal';

/**
 * An expected failure with a code. `message` is for developers and logs (English, never shown in chat);
 * `reason` names the catalogue text a user reads, filled from `details`, so no error can reach a chat
 * without words in the user's language.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Params,
    readonly reason: MessageKey,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}

/** What bodega asked of an outside service and what came back, without secrets (no query string, no body). */
export interface UpstreamCall {
  method: string;
  /** Origin and path only: query strings can carry keys and signatures. */
  url: string;
  /** The HTTP status, when an answer came at all. */
  status?: number | undefined;
}

/** A failure of an outside service (AliExpress, Etsy…), carrying the call for logs, like grammY's HttpError. */
export class UpstreamError extends AppError {
  constructor(
    code: 'upstream_failed' | 'upstream_blocked',
    message: string,
    readonly call: UpstreamCall,
    details: Params,
    reason: MessageKey,
    options?: { cause?: unknown },
  ) {
    super(
      code,
      `${message} (${call.method} ${call.url}${call.status ? ` → ${call.status}` : ''})`,
      details,
      reason,
      options,
    );
    this.name = 'UpstreamError';
  }
}

/** A URL as it may be logged or stored: origin and path, never the query or credentials. */
export function withoutSecrets(url: URL | string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

const httpStatusByCode: Record<ErrorCode, number> = {
  invalid_input: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  insufficient_stock: 409,
  rate_limited: 429,
  upstream_blocked: 502,
  upstream_failed: 502,
  unavailable: 503,
  internal: 500,
};

/** The one place that maps an error code to an HTTP status. */
export function httpStatusFor(code: ErrorCode): number {
  return httpStatusByCode[code];
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
