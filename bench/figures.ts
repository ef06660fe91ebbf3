/** One measured figure, printed as one JSON line: `{"bench", "value", "unit", ...context}`. */
export interface Figure {
  bench: string;
  value: number;
  unit: string;
  [context: string]: unknown;
}

export interface Bench {
  name: string;
  run(): Promise<Figure[]>;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export function summarise(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    min: round(sorted[0] ?? Number.NaN),
    max: round(sorted.at(-1) ?? Number.NaN),
    samples: sorted.length,
  };
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * Runs `op` for the indices `from`..`from + count - 1`, `workers` at a time (each worker takes the next index as it
 * finishes one); answers the time it all took, each call's latency, and each call's result.
 */
export async function concurrently<T>(
  { workers, count, from = 0 }: { workers: number; count: number; from?: number },
  op: (i: number) => Promise<T>,
) {
  const latencies: number[] = [];
  const results: T[] = [];
  let next = from;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let i = next++; i < from + count; i = next++) {
        const began = performance.now();
        results.push(await op(i));
        latencies.push(performance.now() - began);
      }
    }),
  );
  return { ms: performance.now() - started, latencies, results };
}
