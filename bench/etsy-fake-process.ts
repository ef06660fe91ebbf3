// The Etsy fake in a process of its own for the Etsy bench, as Etsy is another machine: it prints one JSON line
// (url, keystring, sharedSecret) when it listens, answers "stats" on stdin with its rate-limit figures, and exits
// when stdin closes.
import { createInterface } from 'node:readline';
import { createEtsyFake } from '../test/fakes/etsy/index.ts';

const listings = Number(process.argv[2] ?? 10_000);
const fake = await createEtsyFake({ listings, receipts: 10, perDay: 1_000_000 });
const say = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
say({ url: fake.url, keystring: fake.keystring, sharedSecret: fake.sharedSecret });
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line === 'stats') say({ peakPerSecond: fake.rateLimit.peakPerSecond, refused: fake.rateLimit.refused });
});
lines.on('close', () => void fake.close().then(() => process.exit(0)));
