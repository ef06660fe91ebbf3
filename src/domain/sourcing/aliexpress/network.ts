import { lookup } from 'node:dns/promises';
import type { Reason } from '../../../errors.ts';

/** Why a request got no answer, as a seller can act on it. */
export interface NetworkFailure {
  reason: Reason;
  /** For logs: the underlying code and text. */
  message: string;
}

/** Codes that mean this machine has no way out: no route, no interface, name resolution itself unavailable. */
const OFFLINE = new Set(['ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EAI_AGAIN', 'EAI_NODATA']);
const TIMEOUT = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ESOCKETTIMEDOUT',
]);
/** Failures on the way to a proxy, or the proxy saying no, when one is configured. */
const PROXY_STAGE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'UND_ERR_SOCKET', 'UND_ERR_ABORTED']);

/** The first `code` along an error's cause chain (undici and Node put it on the error or its cause). */
function codeOf(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Names the real cause of a request that got no answer: no internet from this machine, a name that does
 * not resolve while others do, a timeout, a proxy refusing, or a connection AliExpress refused.
 */
export async function classifyNetworkError(
  error: unknown,
  context: { proxied: boolean; online: () => Promise<boolean> },
): Promise<NetworkFailure> {
  const code = codeOf(error) ?? '';
  const text = error instanceof Error ? error.message : String(error);
  const message = `${code || 'network error'}: ${text}`;
  if (TIMEOUT.has(code)) return { reason: 'error.upstream_timeout', message };
  if (context.proxied && (PROXY_STAGE.has(code) || /proxy/i.test(text)))
    return { reason: 'error.upstream_proxy', message };
  if (OFFLINE.has(code)) return { reason: 'error.upstream_offline', message };
  if (code === 'ENOTFOUND')
    return { reason: (await context.online()) ? 'error.upstream_dns' : 'error.upstream_offline', message };
  return { reason: 'error.upstream_unreachable', message };
}

/** Names that resolve from anywhere online; when none does, this machine is offline rather than AliExpress gone. */
const WELL_KNOWN = ['example.com', 'dns.google', 'one.one.one.one'];

/** Whether this machine resolves any well-known name within two seconds. */
export async function isOnline(): Promise<boolean> {
  const attempts = WELL_KNOWN.map((name) => lookup(name).then(() => true));
  const timeout = new Promise<boolean>((resolve) => setTimeout(resolve, 2_000, false).unref());
  return Promise.race([Promise.any(attempts).catch(() => false), timeout]);
}
