import { ReportCell, ReportTable } from '../reports/report-table';

/**
 * Bar charts drawn on the server as SVG from a report table: no script, no library, readable
 * without colour. Each series has its own fill pattern (solid, hatched, dotted, cross-hatched)
 * as well as its own colour, and a legend naming it; each bar carries its value as text, the
 * decimal string of the table as it is (money is never re-rounded for display). Bar lengths are
 * scaled from the decimal strings with integers; only the final pixel position is a number.
 */
export interface BarChartSpec {
  /** Unique on the page: it prefixes the ids of the title, description and patterns. */
  id: string;
  title: string;
  description: string;
  table: ReportTable;
  /** The column naming each bar group (a text column). */
  labelKey: string;
  /** The columns drawn as bars (money or count), one series each. */
  valueKeys: string[];
  orientation: 'horizontal' | 'vertical';
  /**
   * How a bar's value is written (the page's language groups "7000.50" as "7,000.50" or
   * "7 000,50"); the decimal string as it is by default. Only the text changes: the bar's
   * data-value and its length come from the decimal string.
   */
  formatValue?: (decimal: string) => string;
}

interface Series {
  key: string;
  label: string;
  pattern: string;
  colour: string;
}

/** Colours told apart by people with the common colour-vision deficiencies (Okabe–Ito). */
const COLOURS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00'];
const PATTERNS = ['solid', 'hatch', 'dots', 'cross', 'vertical', 'grid'] as const;

const FONT = 'font-family="sans-serif" font-size="11"';
const WIDTH = 640;

/** Text for SVG/HTML: & < > " ' made inert. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** A cell as a scaled integer (value × 10^scale) and the text shown for it. */
function cellValue(cell: ReportCell | undefined, scale: number): { scaled: bigint; text: string } {
  if (cell === null || cell === undefined || cell === '') return { scaled: 0n, text: '0' };
  const text = String(cell);
  const match = DECIMAL.exec(text);
  if (match === null) throw new Error(`a chart value must be a decimal number, got "${text}"`);
  const [, sign, whole, fraction = ''] = match;
  const digits = BigInt(whole + fraction.padEnd(scale, '0').slice(0, scale));
  return { scaled: sign === '-' ? -digits : digits, text };
}

function decimalsOf(cell: ReportCell | undefined): number {
  if (typeof cell !== 'string') return 0;
  return DECIMAL.exec(cell)?.[3]?.length ?? 0;
}

/**
 * Length in pixels of a bar for `value` when `max` fills `full` pixels, to a hundredth of a
 * pixel, computed on integers; a negative value draws no bar (its text still says it).
 */
export function barLength(value: bigint, max: bigint, full: number): number {
  if (value <= 0n || max <= 0n) return 0;
  return Number((value * BigInt(Math.round(full * 100))) / max) / 100;
}

function patternDefs(id: string, series: readonly Series[]): string {
  return series
    .map(({ pattern, colour }, index) => {
      const pid = `${id}-p${index}`;
      const base = `<pattern id="${pid}" patternUnits="userSpaceOnUse" width="6" height="6">`;
      const back = `<rect width="6" height="6" fill="#ffffff"/>`;
      switch (pattern) {
        case 'solid':
          return `${base}<rect width="6" height="6" fill="${colour}"/></pattern>`;
        case 'hatch':
          return `${base}${back}<path d="M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2" stroke="${colour}" stroke-width="2"/></pattern>`;
        case 'dots':
          return `${base}${back}<circle cx="3" cy="3" r="1.8" fill="${colour}"/></pattern>`;
        case 'cross':
          return `${base}${back}<path d="M0,0 l6,6 M6,0 l-6,6" stroke="${colour}" stroke-width="1.5"/></pattern>`;
        case 'vertical':
          return `${base}${back}<path d="M3,0 v6" stroke="${colour}" stroke-width="2"/></pattern>`;
        default:
          return `${base}${back}<path d="M0,3 h6 M3,0 v6" stroke="${colour}" stroke-width="1.5"/></pattern>`;
      }
    })
    .join('');
}

/** The series of a chart: the value columns with their labels, patterns and colours. */
function seriesOf(spec: BarChartSpec): Series[] {
  return spec.valueKeys.map((key, index) => {
    const column = spec.table.columns.find((candidate) => candidate.key === key);
    if (column === undefined) throw new Error(`no column "${key}" in ${spec.table.name}`);
    return {
      key,
      label: column.label,
      pattern: PATTERNS[index % PATTERNS.length],
      colour: COLOURS[index % COLOURS.length],
    };
  });
}

/** Legend entries laid out left to right, wrapping; returns the markup and its height. */
function legend(
  id: string,
  series: readonly Series[],
  width: number,
): { svg: string; height: number } {
  let x = 8;
  let y = 6;
  const items = series.map((entry, index) => {
    // About 6.5 px a character at 11 px: enough room for the swatch and the text.
    const advance = 19 + Math.ceil(entry.label.length * 6.5) + 18;
    if (x > 8 && x + advance > width) {
      x = 8;
      y += 20;
    }
    const item =
      `<g class="legend-item">` +
      `<rect x="${x}" y="${y}" width="14" height="14" fill="url(#${id}-p${index})" stroke="#1b1f24" stroke-width="0.75"/>` +
      `<text x="${x + 19}" y="${y + 11}" ${FONT} fill="#1b1f24">${escapeXml(entry.label)}</text>` +
      `</g>`;
    x += advance;
    return item;
  });
  return { svg: items.join(''), height: y + 20 };
}

/** A category label short enough for its room (the full text is in each bar's title). */
function shorten(label: string, characters: number): string {
  return label.length <= characters ? label : `${label.slice(0, characters - 1)}…`;
}

/** A bar chart of the table as an SVG element (role img, with its title and description). */
export function barChart(spec: BarChartSpec): string {
  const series = seriesOf(spec);
  const rows = spec.table.rows;
  const scale = Math.max(
    0,
    ...rows.flatMap((row) => spec.valueKeys.map((key) => decimalsOf(row[key]))),
  );
  const write = spec.formatValue ?? ((decimal: string) => decimal);
  const values = rows.map((row) =>
    spec.valueKeys.map((key) => {
      const value = cellValue(row[key], scale);
      return { ...value, shown: write(value.text) };
    }),
  );
  const max = values.flat().reduce((top, value) => (value.scaled > top ? value.scaled : top), 0n);
  const labels = rows.map((row) => String(row[spec.labelKey] ?? ''));
  const id = escapeXml(spec.id);
  const head =
    `<title id="${id}-title">${escapeXml(spec.title)}</title>` +
    `<desc id="${id}-desc">${escapeXml(spec.description)}</desc>` +
    `<defs>${patternDefs(id, series)}</defs>`;
  const bar = (
    x: number,
    y: number,
    width: number,
    height: number,
    index: number,
    label: string,
    value: { text: string; shown: string },
  ) =>
    `<rect class="bar" data-series="${escapeXml(series[index].key)}" data-value="${escapeXml(value.text)}" ` +
    `x="${x}" y="${y}" width="${width}" height="${height}" fill="url(#${id}-p${index})" ` +
    `stroke="${series[index].colour}" stroke-width="1">` +
    `<title>${escapeXml(`${label}, ${series[index].label}: ${value.shown}`)}</title></rect>`;

  if (spec.orientation === 'horizontal') {
    const labelWidth = 170;
    const valueRoom = 90;
    const plot = WIDTH - labelWidth - valueRoom - 10;
    const barHeight = 14;
    const groupHeight = series.length * barHeight + 12;
    const key = legend(id, series, WIDTH);
    const top = key.height + 10;
    const height = top + Math.max(1, rows.length) * groupHeight + 8;
    const body = rows
      .map((_, r) => {
        const y0 = top + r * groupHeight;
        const label = labels[r];
        const category =
          `<text x="${labelWidth - 6}" y="${y0 + (series.length * barHeight) / 2 + 4}" ` +
          `text-anchor="end" ${FONT} fill="#1b1f24">${escapeXml(shorten(label, 26))}</text>`;
        const bars = values[r]
          .map((value, s) => {
            const length = barLength(value.scaled, max, plot);
            const y = y0 + s * barHeight;
            return (
              bar(labelWidth, y, length, barHeight - 2, s, label, value) +
              `<text class="value" x="${labelWidth + length + 4}" y="${y + barHeight - 4}" ${FONT} fill="#1b1f24">${escapeXml(value.shown)}</text>`
            );
          })
          .join('');
        return `<g class="group">${category}${bars}</g>`;
      })
      .join('');
    return (
      `<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" id="${id}" ` +
      `aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${WIDTH} ${height}" ` +
      `width="${WIDTH}" height="${height}">${head}${key.svg}` +
      `<line x1="${labelWidth}" y1="${top - 4}" x2="${labelWidth}" y2="${height - 6}" stroke="#1b1f24" stroke-width="1"/>` +
      `${body}</svg>`
    );
  }

  const plotHeight = 200;
  const key = legend(id, series, WIDTH);
  // Room above the tallest bar for its value, written upwards.
  const top = key.height + 64;
  const barWidth = 22;
  const groupWidth = series.length * barWidth + 24;
  const left = 16;
  const width = Math.max(WIDTH, left + Math.max(1, rows.length) * groupWidth + 16);
  const baseline = top + plotHeight;
  const height = baseline + 28;
  const body = rows
    .map((_, r) => {
      const x0 = left + r * groupWidth + 12;
      const label = labels[r];
      const category =
        `<text x="${x0 + (series.length * barWidth) / 2}" y="${baseline + 16}" ` +
        `text-anchor="middle" ${FONT} fill="#1b1f24">${escapeXml(shorten(label, 14))}</text>`;
      const bars = values[r]
        .map((value, s) => {
          const length = barLength(value.scaled, max, plotHeight);
          const x = x0 + s * barWidth;
          return (
            bar(x, baseline - length, barWidth - 3, length, s, label, value) +
            `<text class="value" x="${x + (barWidth - 3) / 2}" y="${baseline - length - 4}" ` +
            `text-anchor="start" transform="rotate(-90 ${x + (barWidth - 3) / 2} ${baseline - length - 4})" ` +
            `${FONT} fill="#1b1f24">${escapeXml(value.shown)}</text>`
          );
        })
        .join('');
      return `<g class="group">${category}${bars}</g>`;
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" id="${id}" ` +
    `aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${width} ${height}" ` +
    `width="${width}" height="${height}">${head}${key.svg}` +
    `<line x1="${left}" y1="${baseline}" x2="${width - 8}" y2="${baseline}" stroke="#1b1f24" stroke-width="1"/>` +
    `${body}</svg>`
  );
}

/** A table with only some of its columns (the chart's), same rows and total. */
export function pickColumns(table: ReportTable, keys: readonly string[]): ReportTable {
  const pick = (row: Record<string, ReportCell>) =>
    Object.fromEntries(keys.map((key) => [key, row[key] ?? null]));
  return {
    ...table,
    columns: keys.map((key) => {
      const column = table.columns.find((candidate) => candidate.key === key);
      if (column === undefined) throw new Error(`no column "${key}" in ${table.name}`);
      return column;
    }),
    rows: table.rows.map(pick),
    ...(table.total === undefined ? {} : { total: pick(table.total) }),
  };
}
