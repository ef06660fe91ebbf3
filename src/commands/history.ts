import { bold, file, reply, table, text } from '../chat/reply.ts';
import { toCsv } from '../chat/table-text.ts';
import type { LedgerEntry } from '../domain/inventory/index.ts';
import { actorNames } from './actor-names.ts';
import type { CommandContext } from './context.ts';
import { word } from './origin.ts';
import { loadPage, pageArg, pagedTitle, pagingBlocks } from './paging.ts';
import { defineCommand } from './registry.ts';
import { skuArg } from './stock-changes.ts';

const PAGE_SIZE = 15;
/** The whole ledger travels as CSV when it is longer than a page; this many rows at most. */
const CSV_ROWS = 10_000;

const signed = (delta: number) => (delta > 0 ? `+${delta}` : delta < 0 ? `−${-delta}` : '');

function why(ctx: CommandContext, entry: LedgerEntry): string {
  const detail = entry.note ?? (entry.reference?.startsWith('reservation:') ? `#${entry.reference.slice(12)}` : '');
  return [ctx.t(`ledger.reason.${entry.reason}`), detail].filter(Boolean).join(' · ');
}

export const historyCommand = defineCommand({
  name: 'history',
  aliases: { es: 'historial' },
  description: {
    es: 'El historial de un producto: cuándo, quién, por qué y cuánto cambió',
    en: 'A product’s history: when, who, why and how much changed',
  },
  minRole: 'viewer',
  args: {
    sku: skuArg,
    page: pageArg(PAGE_SIZE),
  },
  async run(ctx, args) {
    const { history } = ctx.services.inventory;
    let product = { sku: args.sku, title: '', archived: false };
    const paged = await loadPage(args.page, PAGE_SIZE, async (range) => {
      const found = await history.of(args.sku, range);
      product = found;
      return found.entries;
    });
    const name = await actorNames(ctx.services, ctx.t);
    const columns = [
      ctx.t('history.col_when'),
      ctx.t('history.col_who'),
      ctx.t('history.col_why'),
      ctx.t('stock.col_total'),
      ctx.t('stock.col_reserved'),
      ctx.t('stock.col_sold'),
    ];
    const row = (e: LedgerEntry) => [
      ctx.t.dateTime(e.at),
      name(e.actor),
      why(ctx, e),
      signed(e.deltaTotal),
      signed(e.deltaReserved),
      signed(e.deltaSold),
    ];
    const title = `${ctx.t('history.title', { sku: product.sku })}${product.title ? ` — ${product.title}` : ''}`;
    const blocks = [
      text(bold(pagedTitle(ctx.t, title, paged))),
      ...(product.archived ? [text(ctx.t('history.archived'))] : []),
      paged.items.length === 0
        ? text(ctx.t('history.empty'))
        : table(columns, paged.items.map(row), {
            align: ['left', 'left', 'left', 'right', 'right', 'right'],
            name: 'history',
          }),
      ...pagingBlocks(ctx.t, `/${word(ctx, { es: 'historial', en: 'history' })} ${product.sku}`, paged),
    ];
    if (paged.total > PAGE_SIZE) {
      const all = (await history.of(args.sku, { limit: CSV_ROWS, offset: 0 })).entries.items;
      const sortable = new Intl.DateTimeFormat('sv-SE', {
        timeZone: ctx.shop.timeZone,
        dateStyle: 'short',
        timeStyle: 'medium',
      });
      const csvRow = (e: LedgerEntry) => [
        sortable.format(e.at),
        ...row(e).slice(1),
        String(e.totalAfter),
        String(e.reservedAfter),
        String(e.soldAfter),
      ];
      const after = [
        ctx.t('history.col_total_after'),
        ctx.t('history.col_reserved_after'),
        ctx.t('history.col_sold_after'),
      ];
      const csv = toCsv([...columns, ...after], all.map(csvRow));
      blocks.push(file(`historial-${product.sku}.csv`, 'text/csv', csv, ctx.t('history.csv', { rows: all.length })));
    }
    return reply(...blocks);
  },
});
