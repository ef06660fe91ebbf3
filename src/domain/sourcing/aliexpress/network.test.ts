import { describe, expect, it } from 'vitest';
import { classifyNetworkError } from './network.ts';

const failure = (code: string, message = 'fetch failed') =>
  Object.assign(new TypeError('fetch failed'), {
    cause: Object.assign(new Error(message), { code }),
  });
const online = { proxied: false, online: async () => true };
const offline = { proxied: false, online: async () => false };

describe('why a supplier request got no answer', () => {
  it('tells no internet, a name that does not resolve, a timeout, a refusing proxy and a refused connection apart', async () => {
    const reasonOf = async (error: unknown, context = online) => (await classifyNetworkError(error, context)).reason;
    expect(await reasonOf(failure('ENETUNREACH'))).toBe('error.upstream_offline');
    expect(await reasonOf(failure('ENOTFOUND'), offline)).toBe('error.upstream_offline');
    expect(await reasonOf(failure('ENOTFOUND'))).toBe('error.upstream_dns');
    expect(await reasonOf(failure('UND_ERR_CONNECT_TIMEOUT'))).toBe('error.upstream_timeout');
    expect(await reasonOf(failure('ECONNREFUSED'), { ...online, proxied: true })).toBe('error.upstream_proxy');
    expect(await reasonOf(failure('ECONNREFUSED'))).toBe('error.upstream_unreachable');
  });

  it('keeps the underlying code and text for the log', async () => {
    const { message } = await classifyNetworkError(failure('ENOTFOUND', 'getaddrinfo ENOTFOUND x.invalid'), online);
    expect(message).toBe('ENOTFOUND: fetch failed');
  });
});
