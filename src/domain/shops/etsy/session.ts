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
    /**
     * Every page of a `{count, results}` list, 100 at a time, in order. Once the first page says how many there
     * are, up to `ahead` later pages are asked for while earlier ones are used (the shared pace keeps the rate).
     */
    async *pages<T>(
      path: string,
      query: EtsyCall['query'] = {},
      ahead = 4,
    ): AsyncGenerator<{ results: T[]; count: number }> {
      type Page = { count: number; results: T[] };
      const page = (offset: number) => {
        const asked = send<Page>({ path, query: { ...query, limit: 100, offset } });
        // A page not awaited yet must not become an unhandled rejection if the consumer stops early.
        asked.catch(() => undefined);
        return asked;
      };
      const first = await page(0);
      yield first;
      const queued: Array<Promise<Page>> = [];
      let next = 100;
      const fill = () => {
        while (queued.length < ahead && next < first.count) {
          queued.push(page(next));
          next += 100;
        }
      };
      fill();
      while (queued.length > 0) {
        const current = await (queued.shift() as Promise<Page>);
        fill();
        yield current;
        if (current.results.length < 100) return;
      }
    },
    get calls() {
      return calls;
    },
  };
}

export type EtsySession = ReturnType<typeof createEtsySession>;
