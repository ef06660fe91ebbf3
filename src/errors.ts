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

/** An expected failure with a code; `details` is safe to show to the caller. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, string | number> = {},
    /** A more precise explanation for chat, named by its i18n key (e.g. `start.bad_code`); details fill it. */
    readonly reason?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }
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
