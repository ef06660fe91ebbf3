// Property-based fuzzing of a webhook: bodies a broken or hostile sender might post, bent from the platform's
// own valid payloads. Every platform's webhook test reuses it with an arbitrary of its valid bodies.
import fc from 'fast-check';

/** A valid body with one value somewhere replaced, NUL or half a surrogate pair slipped into its text. */
function bent(valid: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<string> {
  const oddValue = fc.oneof(
    fc.jsonValue(),
    fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udc00', '', ' ', '9'.repeat(400)),
    fc.constantFrom(-1, 1.5, 2 ** 53, 1e308, Number.MAX_SAFE_INTEGER),
  );
  return fc.tuple(valid, fc.nat(), oddValue).map(([body, pick, value]) => {
    const paths = leafPaths(body);
    const path = paths[pick % paths.length] ?? [];
    return JSON.stringify(replaceAt(body, path, value));
  });
}

function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => leafPaths(child, [...prefix, key]));
}

function replaceAt(value: unknown, path: string[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string, ...string[]];
  const copy: Record<string, unknown> = Array.isArray(value)
    ? Object.fromEntries(value.entries())
    : { ...(value as object) };
  copy[head] = replaceAt(copy[head], rest, replacement);
  return Array.isArray(value) ? Object.values(copy) : copy;
}

/** Every kind of body the fuzzer posts, as raw bytes. */
export function hostileBodies(valid: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Uint8Array> {
  const text = fc.oneof(
    { weight: 3, arbitrary: valid.map((body) => JSON.stringify(body)) },
    { weight: 6, arbitrary: bent(valid) },
    { weight: 2, arbitrary: fc.json() },
    { weight: 1, arbitrary: valid.chain((body) => fc.nat().map((cut) => JSON.stringify(body).slice(0, cut))) },
    { weight: 1, arbitrary: fc.nat({ max: 3_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  );
  const bytes = fc.uint8Array({ maxLength: 300 }); // often not UTF-8 at all
  return fc.oneof(
    { weight: 12, arbitrary: text.map((value) => Buffer.from(value, 'utf8')) },
    { weight: 1, arbitrary: bytes },
  );
}

/**
 * Posts `runs` generated bodies (a fixed seed, so a failure reproduces; a few at a time, as platforms do) and
 * answers how many got each status, with the bodies that got a 5xx.
 */
export async function fuzzWebhook(options: {
  valid: fc.Arbitrary<Record<string, unknown>>;
  post(body: Uint8Array): Promise<number>;
  runs?: number;
  seed?: number;
  concurrency?: number;
}): Promise<{ statuses: Record<number, number>; serverErrors: string[] }> {
  const bodies = fc.sample(hostileBodies(options.valid), {
    numRuns: options.runs ?? 1_000,
    seed: options.seed ?? 20261,
  });
  const statuses: Record<number, number> = {};
  const serverErrors: string[] = [];
  let next = 0;
  const sender = async () => {
    for (let i = next++; i < bodies.length; i = next++) {
      const body = bodies[i] as Uint8Array;
      const status = await options.post(body);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status >= 500) serverErrors.push(Buffer.from(body).toString('utf8').slice(0, 200));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, sender));
  return { statuses, serverErrors };
}
