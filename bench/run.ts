// `npm run bench [-- name ...]`: runs the benches (all, or the named ones) and prints one JSON line per figure.

import { chatBench } from './chat.bench.ts';
import { discordBench } from './discord.bench.ts';
import { etsyBench } from './etsy.bench.ts';
import type { Bench } from './figures.ts';
import { inventoryBench } from './inventory.bench.ts';
import { reportsBench } from './reports.bench.ts';
import { sourcingBench } from './sourcing.bench.ts';
import { startupBench } from './startup.bench.ts';
import { telegramBench } from './telegram.bench.ts';
import { whatsappBench } from './whatsapp.bench.ts';

const benches: Bench[] = [
  startupBench,
  chatBench,
  inventoryBench,
  telegramBench,
  whatsappBench,
  discordBench,
  sourcingBench,
  reportsBench,
  etsyBench,
];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !benches.some((bench) => bench.name === name));
if (unknown.length > 0) {
  process.stderr.write(`Unknown bench: ${unknown.join(', ')}. Known: ${benches.map((b) => b.name).join(', ')}\n`);
  process.exit(1);
}
for (const bench of benches.filter((b) => wanted.length === 0 || wanted.includes(b.name))) {
  for (const figure of await bench.run()) process.stdout.write(`${JSON.stringify(figure)}\n`);
}
process.exit(0);
