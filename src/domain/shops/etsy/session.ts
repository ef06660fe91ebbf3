import { type EtsyCall, type EtsyClient, EtsyTokenRejected } from './client.ts';

/** How a session gets a token: the current one, or a new one after Etsy refused `refused`. */
export type TokenSource = (refused?: string) => Promise<string>;

/**
 * Calls to Etsy on behalf of one connection: the access token is added to each call, and when Etsy refuses it
 * (expired mid-sync, revoked) it is refreshed once and the call repeated. `calls` counts this session's calls.
 */
export function createEtsySession(client: EtsyClient, tokens: TokenSource, signal?: AbortSignal) {
  let token: string | undefined;
  let calls = 0;

  async function send<T>(call: Omit<EtsyCall, 'token'>): Promise<T> {
    token ??= await tokens();
    for (let attempt = 0; ; attempt++) {
      try {
        calls += 1;
        return (await client.send<T>({ ...call, token, signal })).body;
      } catch (error) {
        if (!(error instanceof EtsyTokenRejected) || attempt > 0) throw error;
        token = await tokens(token);
      }
    }
  }

  return {
    send,
    get: <T>(path: string, query?: EtsyCall['query']) => send<T>({ path, ...(query ? { query } : {}) }),
    /** Every page of a `{count, results}` list, 100 at a time; the next page is asked for while this one is used. */
    async *pages<T>(path: string, query: EtsyCall['query'] = {}): AsyncGenerator<{ results: T[]; count: number }> {
      const page = (offset: number) =>
        send<{ count: number; results: T[] }>({ path, query: { ...query, limit: 100, offset } });
      let next: Promise<{ count: number; results: T[] }> | undefined = page(0);
      for (let offset = 0; next; offset += 100) {
        const current: { count: number; results: T[] } = await next;
        const more = current.results.length === 100 && offset + 100 < current.count;
        next = more ? page(offset + 100) : undefined;
        // A page not awaited yet must not become an unhandled rejection if the consumer stops early.
        next?.catch(() => undefined);
        yield current;
      }
    },
    get calls() {
      return calls;
    },
  };
}

export type EtsySession = ReturnType<typeof createEtsySession>;
