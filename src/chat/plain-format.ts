import type { PlatformFormat } from './layout.ts';
import { spanText, type TextualBlock } from './reply.ts';
import { tableLines } from './table-text.ts';

/** Renders a block as plain text (console, logs, and the fallback for platforms without markup). */
export function renderPlain(block: TextualBlock): string {
  switch (block.kind) {
    case 'text':
      return block.spans
        .map((span) => (typeof span === 'object' && 'url' in span ? `${span.link} (${span.url})` : spanText(span)))
        .join('');
    case 'fields':
      return block.items.map((item) => `${item.label}: ${item.value}`).join('\n');
    case 'table':
      return tableLines(block.columns, block.rows, block.align).join('\n');
  }
}

export const plainFormat: PlatformFormat = {
  maxLength: 4000,
  measure: (value) => value.length,
  renderBlock: renderPlain,
  separator: '\n\n',
  maxTableRows: 50,
};
