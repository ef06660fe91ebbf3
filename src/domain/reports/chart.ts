import { createRequire } from 'node:module';
import type * as Echarts from 'echarts';

const require = createRequire(import.meta.url);
/** Loaded on the first chart: together they weigh ~50 MiB, which an idle bodega should not carry. */
const renderers = () => ({
  echarts: require('echarts') as typeof Echarts,
  Resvg: (require('@resvg/resvg-js') as typeof import('@resvg/resvg-js')).Resvg,
});
/** The font ships in an npm package: the Docker image has no system fonts, and resvg is told to load none. */
/** Loads the chart's libraries now (module loading is cached): for a caller with time to spare, such as a query's wait. */
export const loadChartLibraries = (): void => void renderers();
const FONT_FILES = [
  require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
];
const FONT = 'DejaVu Sans';

export interface ChartSeries {
  title: string;
  labels: string[];
  values: number[];
}

export interface ChartSpec {
  /** Bars over time (sales by day). */
  columns: ChartSeries;
  /** Horizontal bars (top products); left out when empty. */
  bars?: ChartSeries | undefined;
  width?: number;
}

const COLOR = ['#2f6fb0', '#e08a2c'];

/** Renders a chart to PNG without a browser: echarts server-side to SVG, then resvg to pixels. */
export function renderChart(spec: ChartSpec): Buffer {
  const width = spec.width ?? 900;
  const bars = spec.bars && spec.bars.values.length > 0 ? spec.bars : undefined;
  const height = bars ? 720 : 380;
  const { echarts, Resvg } = renderers();
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  const split = bars ? '46%' : '82%';
  chart.setOption({
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT },
    color: COLOR,
    title: [
      { text: spec.columns.title, left: 16, top: 8, textStyle: { fontSize: 15, fontFamily: FONT } },
      ...(bars ? [{ text: bars.title, left: 16, top: '52%', textStyle: { fontSize: 15, fontFamily: FONT } }] : []),
    ],
    grid: [
      { left: 70, right: 24, top: 44, height: split },
      ...(bars ? [{ left: 180, right: 40, top: '58%', bottom: 24 }] : []),
    ],
    xAxis: [
      { type: 'category', gridIndex: 0, data: spec.columns.labels, axisLabel: { fontFamily: FONT, fontSize: 10 } },
      ...(bars ? [{ type: 'value', gridIndex: 1, axisLabel: { fontFamily: FONT } }] : []),
    ],
    yAxis: [
      { type: 'value', gridIndex: 0, axisLabel: { fontFamily: FONT } },
      ...(bars
        ? [{ type: 'category', gridIndex: 1, inverse: true, data: bars.labels, axisLabel: { fontFamily: FONT } }]
        : []),
    ],
    series: [
      { type: 'bar', xAxisIndex: 0, yAxisIndex: 0, data: spec.columns.values, itemStyle: { color: COLOR[0] } },
      ...(bars
        ? [{ type: 'bar', xAxisIndex: 1, yAxisIndex: 1, data: bars.values, itemStyle: { color: COLOR[1] } }]
        : []),
    ],
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  const image = new Resvg(svg, {
    background: '#ffffff',
    font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: FONT },
  });
  return image.render().asPng();
}
