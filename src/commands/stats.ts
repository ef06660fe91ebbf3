import { fields, image, reply, text } from '../chat/reply.ts';
import { renderChart } from '../domain/reports/index.ts';
import { defineCommand } from './registry.ts';

export const statsCommand = defineCommand({
  name: 'stats',
  aliases: { es: 'estadisticas' },
  description: {
    es: 'Tu tienda en cifras: productos, ventas, precios, hoy y esta semana, stock bajo, con gráfico',
    en: 'Your shop in numbers: products, sales, prices, today and this week, low stock, with a chart',
  },
  minRole: 'viewer',
  async run(ctx) {
    const { t, shop } = ctx;
    const stats = await ctx.services.reports.stats(shop.timeZone, shop.currency);
    const money = (minor: number | null) =>
      minor === null ? t('reports.stats_none') : t.money({ minor, currency: shop.currency });
    const sold = (figures: { orders: number; units: number }) =>
      `${t('reports.orders', { count: figures.orders })}, ${t('reports.units', { count: figures.units })}`;
    const revenue = Object.entries(stats.sales.revenue).map(([currency, minor]) => t.money({ minor, currency }));
    const chart = renderChart({
      columns: {
        title: t('reports.stats_chart'),
        labels: stats.days.map((day) => day.day.slice(5)),
        values: stats.days.map((day) => day.units),
      },
      width: 720,
    });
    return reply(
      text({ bold: t('reports.stats_title') }),
      fields([
        [t('reports.stats_products'), t.number(stats.products)],
        [t('reports.stats_prices'), [stats.price.min, stats.price.avg, stats.price.max].map(money).join(' / ')],
        [t('reports.stats_sales'), sold(stats.sales)],
        [t('reports.stats_revenue'), revenue.length > 0 ? revenue.join(' + ') : t('reports.no_sales')],
        [t('reports.stats_today'), sold(stats.today)],
        [t('reports.stats_week'), sold(stats.week)],
        [t('reports.stats_low'), t.number(stats.lowStock)],
        [t('reports.stats_supplier'), t.number(stats.supplierItems)],
      ]),
      image('estadisticas.png', 'image/png', chart, t('reports.stats_chart')),
    );
  },
});
