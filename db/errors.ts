/** True when Postgres refused a write on a unique constraint (SQLSTATE 23505), even when drizzle wraps the error. */
export function isUniqueViolation(error: unknown): boolean {
  return codesOf(error).includes('23505');
}

/** Socket-level failures (postgres.js and Node) that mean the server is not there, not that a query was wrong. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);

/**
 * True when an error means the database server is unreachable or going away: a refused or dropped connection,
 * SQLSTATE class 08 (connection exception), 57P01-57P03 (shutdown, crash, not yet accepting), 53300 (no slots).
 */
export function isConnectionFailure(error: unknown): boolean {
  return codesOf(error).some(
    (code) => CONNECTION_CODES.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code) || code === '53300',
  );
}

/** True when Postgres refused text it cannot store: a NUL character (22021) or an untranslatable one (22P05). */
export function isInvalidText(error: unknown): boolean {
  return codesOf(error).some((code) => code === '22021' || code === '22P05');
}

/** Every `code` along an error's causes (drizzle wraps the driver's error) and inside an AggregateError. */
function codesOf(error: unknown, depth = 0): string[] {
  if (typeof error !== 'object' || error === null || depth > 5) return [];
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  const own = typeof code === 'string' ? [code] : [];
  const nested = Array.isArray(errors) ? errors.flatMap((inner) => codesOf(inner, depth + 1)) : [];
  return [...own, ...codesOf(cause, depth + 1), ...nested];
}
