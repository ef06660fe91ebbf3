import { z } from 'zod';
import { type Block, buttons, text } from '../chat/reply.ts';
import type { Page } from '../domain/inventory/index.ts';
import type { Translate } from '../i18n/index.ts';
import { type ArgSpec, arg, shownWord, type Words } from './registry.ts';

const PAGE_WORDS: Words = { es: ['pagina', 'página'], en: ['page'] };

/** The `pagina:N` (`page:N`) option of every paged list of `size` rows a page. */
export function pageArg(size: number): ArgSpec<z.ZodDefault<z.ZodCoercedNumber<unknown>>> {
  return arg.key(
    z.coerce.number().int().min(1).max(10_000).default(1),
    PAGE_WORDS,
    { es: 'página', en: 'page', form: 'f' },
    { es: `Página (${size} por página)`, en: `Page (${size} per page)` },
  );
}

/**
 * Previous/next buttons that re-enter `base` (a command line in the user's words) on another page, and, when the
 * number of pages is known and the first or last is more than a step away, buttons straight to them; none when
 * there is one page.
 */
export function pageButtons(t: Translate, base: string, page: number, hasMore: boolean, pages?: number): Block[] {
  const key = shownWord(PAGE_WORDS, t.locale, 'page');
  const to = (label: string, target: number) => ({ label, command: `${base} ${key}:${target}` });
  const list = [
    ...(page > 1 ? [to(t('paging.prev'), page - 1)] : []),
    ...(hasMore ? [to(t('paging.next'), page + 1)] : []),
    ...(page > 2 ? [to(t('paging.first'), 1)] : []),
    ...(pages !== undefined && page < pages - 1 ? [to(t('paging.last', { pages }), pages)] : []),
  ];
  return list.length > 0 ? [buttons(...list)] : [];
}

export interface Paged<T> {
  items: T[];
  page: number;
  pages: number;
  total: number;
  /** The page asked for was past the last one, so this is the last one. */
  pastLast: boolean;
}

/** Loads one page of a list; a page past the last loads the last one instead (and says so through `pastLast`). */
export async function loadPage<T>(
  requested: number,
  size: number,
  load: (range: { limit: number; offset: number }) => Promise<Page<T>>,
): Promise<Paged<T>> {
  const pagesOf = (total: number) => Math.max(1, Math.ceil(total / size));
  const first = await load({ limit: size, offset: (requested - 1) * size });
  if (first.items.length > 0 || requested === 1) {
    return { items: first.items, page: requested, pages: pagesOf(first.total), total: first.total, pastLast: false };
  }
  const opening = await load({ limit: size, offset: 0 });
  const pages = pagesOf(opening.total);
  const last = pages === 1 ? opening : await load({ limit: size, offset: (pages - 1) * size });
  return { items: last.items, page: pages, pages, total: opening.total, pastLast: true };
}

/** "Title · página 2 de 3" when there is more than one page. */
export function pagedTitle(t: Translate, title: string, paged: Paged<unknown>): string {
  return paged.pages > 1 ? `${title} · ${t('paging.page_of', { page: paged.page, pages: paged.pages })}` : title;
}

/** The note for a page past the last, and the buttons to move between pages. */
export function pagingBlocks(t: Translate, base: string, paged: Paged<unknown>): Block[] {
  const note = paged.pastLast ? [text(t('paging.past_last', { pages: paged.pages }))] : [];
  return [...note, ...pageButtons(t, base, paged.page, paged.page < paged.pages, paged.pages)];
}
