/** True when Postgres refused a write on a unique constraint (SQLSTATE 23505), even when drizzle wraps the error. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
  return code === '23505';
}
