import { type ErrorCode, isAppError } from '../errors.ts';
import { catalogues, type MessageKey, type Translate } from '../i18n/index.ts';

const keyByCode: Record<ErrorCode, MessageKey> = {
  invalid_input: 'error.invalid_input',
  unauthorized: 'error.unauthorized',
  forbidden: 'error.unauthorized',
  not_found: 'error.not_found',
  conflict: 'error.conflict',
  insufficient_stock: 'error.insufficient_stock',
  rate_limited: 'error.rate_limited',
  upstream_blocked: 'error.upstream_blocked',
  upstream_failed: 'error.upstream_failed',
  unavailable: 'error.unavailable',
  internal: 'error.internal',
};

function isMessageKey(value: string | undefined): value is MessageKey {
  return value !== undefined && value in catalogues.es;
}

/** The one place that turns an expected error into chat text; anything else gets the generic apology. */
export function errorText(error: unknown, t: Translate): string {
  if (!isAppError(error)) return t('error.internal');
  if (isMessageKey(error.reason)) return t(error.reason, error.details);
  return t(keyByCode[error.code], { message: error.message, ...error.details });
}
