import { z } from 'zod';
import { type Block, bold, link, type Reply, reply, type Span, text } from '../chat/reply.ts';
import { defineTask, type TaskDefinition } from '../chat/task-runner.ts';
import type { Criteria, ResultPage, SupplierItem, SupplierSearch } from '../domain/sourcing/index.ts';
import type { Locale, Translate } from '../i18n/index.ts';
import { formatMoney, parsePrice } from '../money.ts';
import type { Services } from './context.ts';
import { pageButtons } from './paging.ts';
import { arg, defineCommand, priceText } from './registry.ts';

const PAGE_SIZE = 8;
const SORT_WORDS: Record<string, 'price' | 'orders' | 'rating'> = {
  price: 'price',
  precio: 'price',
  orders: 'orders',
  pedidos: 'orders',
  ventas: 'orders',
  rating: 'rating',
  valoracion: 'rating',
  valoración: 'rating',
};
const MATCH_WORDS: Record<string, 'any' | 'all'> = {
  any: 'any',
  alguna: 'any',
  cualquiera: 'any',
  all: 'all',
  todas: 'all',
};
const sort = z.preprocess(
  (value) => (typeof value === 'string' ? (SORT_WORDS[value.toLowerCase()] ?? value) : value),
  z.enum(['price', 'orders', 'rating']).optional(),
);

interface SearchInput {
  words: string;
  criteria: Criteria;
}

/** A supplier product for chat: title, price (and was-price), rating, sales, shipping tags and its link. */
export function itemBlock(item: SupplierItem, prefix: string, t: Translate, locale: Locale): Block {
  const facts = [formatMoney(item.price.minor, item.price.currency, locale)];
  if (item.originalPrice && item.originalPrice.minor > item.price.minor)
    facts[0] += ` (${t('search.before', { price: formatMoney(item.originalPrice.minor, item.originalPrice.currency, locale) })})`;
  if (item.rating) facts.push(`⭐ ${item.rating}`);
  if (item.soldCount !== undefined) facts.push(t('search.sold', { count: item.soldCount }));
  if (item.shipDays !== undefined) facts.push(t('search.ship_days', { days: item.shipDays }));
  facts.push(...item.shippingTags);
  const title = item.title.length > 90 ? `${item.title.slice(0, 89)}…` : item.title;
  const spans: Span[] = [prefix, bold(title), `\n${facts.join(' · ')}\n`, link(t('search.open'), item.url)];
  return text(...spans);
}

/** One page of a stored search as a reply: each product with price, rating, sales and link; next/previous buttons. */
export function searchReply(result: ResultPage, page: number, t: Translate, locale: Locale): Reply {
  if (result.total === 0) return reply(text(t('search.none', { words: result.words })));
  const pages = Math.ceil(result.total / PAGE_SIZE);
  const blocks: Block[] = [text(bold(t('search.header', { words: result.words, page, pages, total: result.total })))];
  for (const item of result.items) blocks.push(itemBlock(item, `${item.position + 1}. `, t, locale));
  // Result pages rarely tell delivery days; say so rather than let ship: look applied.
  const { maxShipDays } = result.criteria;
  if (maxShipDays !== undefined && result.items.some((item) => item.shipDays === undefined))
    blocks.push(text(t('search.ship_unknown', { days: maxShipDays })));
  return reply(...blocks, ...pageButtons(t, `/search #${result.searchId}`, page, page < pages));
}

async function showPage(search: SupplierSearch, searchId: number, page: number, t: Translate, locale: Locale) {
  return searchReply(await search.page(searchId, page, PAGE_SIZE), page, t, locale);
}

/** The criteria keys shared by /search and /filter add. */
export const criteriaArgs = {
  words: arg.rest(
    z.string().min(1).max(200),
    { es: 'palabras', en: 'words' },
    { es: 'Qué buscar', en: 'What to look for' },
  ),
  min: arg.key(
    priceText().optional(),
    ['min'],
    { es: 'precio', en: 'price' },
    { es: 'Precio mínimo', en: 'Lowest price' },
  ),
  max: arg.key(
    priceText().optional(),
    ['max'],
    { es: 'precio', en: 'price' },
    { es: 'Precio máximo', en: 'Highest price' },
  ),
  ship: arg.key(
    z.coerce.number().int().min(1).max(120).optional(),
    ['ship', 'envio'],
    { es: 'días', en: 'days' },
    {
      es: 'Días de envío como máximo (cuando se conocen)',
      en: 'Most shipping days (where known)',
    },
  ),
  rating: arg.key(
    z.coerce.number().min(0).max(5).optional(),
    ['rating', 'valoracion'],
    { es: 'estrellas', en: 'stars' },
    { es: 'Valoración mínima (0-5)', en: 'Lowest rating (0-5)' },
  ),
  cat: arg.key(
    z.string().max(60).optional(),
    ['cat'],
    { es: 'categoría', en: 'category' },
    {
      es: 'Número de categoría de AliExpress, o una palabra que se suma a la búsqueda',
      en: 'AliExpress category number, or a word added to the search',
    },
  ),
  match: arg.key(
    z.preprocess(
      (value) => (typeof value === 'string' ? (MATCH_WORDS[value.toLowerCase()] ?? value) : value),
      z.enum(['any', 'all']).optional(),
    ),
    ['match', 'coincidir'],
    { es: 'todas|alguna', en: 'all|any' },
    {
      es: 'El título debe tener todas las palabras o alguna (alguna: una búsqueda por palabra)',
      en: 'Titles must have all the words or any one (any: one search per word)',
    },
  ),
  sort: arg.key(
    sort,
    ['sort', 'orden'],
    { es: 'orden', en: 'order' },
    { es: 'price (precio), orders (pedidos) o rating (valoración)', en: 'price, orders or rating' },
  ),
  sold: arg.key(
    z.coerce.number().int().min(0).max(10_000_000).optional(),
    ['sold', 'vendidos'],
    { es: 'ventas', en: 'sales' },
    { es: 'Ventas mínimas', en: 'Fewest sales' },
  ),
};

type SearchArgs = {
  words: string;
  min?: string | undefined;
  max?: string | undefined;
  ship?: number | undefined;
  rating?: number | undefined;
  cat?: string | undefined;
  match?: 'any' | 'all' | undefined;
  sort?: 'price' | 'orders' | 'rating' | undefined;
  sold?: number | undefined;
};

export const searchCommand = defineCommand({
  name: 'search',
  aliases: { es: 'buscar' },
  description: { es: 'Busca productos de proveedores en AliExpress', en: 'Search supplier products on AliExpress' },
  minRole: 'staff',
  args: {
    ...criteriaArgs,
    page: arg.key(
      z.coerce.number().int().min(1).max(1_000).default(1),
      ['page', 'pagina'],
      { es: 'página', en: 'page' },
      { es: 'Página de resultados', en: 'Page of results' },
    ),
  },
  async run(ctx, args) {
    const stored = args.words.match(/^#(\d{1,15})$/);
    if (stored) return showPage(ctx.services.search, Number(stored[1]), args.page, ctx.t, ctx.locale);
    return { task: { kind: 'search', input: searchInput(args, ctx.services.currency) } };
  },
});

/** The words and criteria of /search (and of /filter add), with prices in the shop's currency. A `cat:` that is not a category number joins the words. */
export function searchInput(args: SearchArgs, currency: string): SearchInput {
  const categoryId = args.cat && /^\d{1,12}$/.test(args.cat) ? args.cat : undefined;
  const criteria: Criteria = {
    currency,
    minMinor: args.min === undefined ? undefined : parsePrice(args.min, currency),
    maxMinor: args.max === undefined ? undefined : parsePrice(args.max, currency),
    maxShipDays: args.ship,
    minRating: args.rating,
    minSold: args.sold,
    categoryId,
    match: args.match,
    sort: args.sort,
  };
  return { words: args.cat && !categoryId ? `${args.words} ${args.cat}` : args.words, criteria };
}

/** The durable work behind /search: fetch, remember, filter, then answer with the first page. */
export function searchTask(services: Services): TaskDefinition {
  return defineTask<SearchInput>({
    kind: 'search',
    async run({ input, locale, t, requestedBy, progress, signal }) {
      const { searchId } = await services.search.run({
        words: input.words,
        criteria: input.criteria,
        locale,
        shipTo: services.shipTo,
        requestedBy,
        signal,
        progress: (done, of) => progress(t('search.progress', { done, of })),
      });
      return showPage(services.search, searchId, 1, t, locale);
    },
  });
}
