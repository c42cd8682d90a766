import { ReportTable } from '../reports/report-table';
import { barChart, barLength, BarChartSpec, pickColumns } from './svg-chart';

const table: ReportTable = {
  name: 'contributions-by-year',
  title: 'Contributions by year',
  columns: [
    { key: 'group', label: 'Year', kind: 'text' },
    { key: 'pledged', label: 'Pledged (CHF)', kind: 'money' },
    { key: 'received', label: 'Received (CHF)', kind: 'money' },
  ],
  rows: [
    { group: '2025', pledged: '5000.00', received: '2000.00' },
    { group: '2026', pledged: '4000.00', received: '7000.50' },
  ],
  total: { group: 'Total', pledged: '9000.00', received: '9000.50' },
};

const spec = (over: Partial<BarChartSpec> = {}): BarChartSpec => ({
  id: 'by-year',
  title: 'Contributions by year',
  description: 'Pledged and received per year, in CHF',
  table,
  labelKey: 'group',
  valueKeys: ['pledged', 'received'],
  orientation: 'horizontal',
  ...over,
});

/** The bars of an SVG: series, value and width (horizontal) or height (vertical). */
function bars(
  svg: string,
): Array<{ series: string; value: string; width: number; height: number }> {
  return [
    ...svg.matchAll(
      /<rect class="bar" data-series="([^"]*)" data-value="([^"]*)" x="[^"]*" y="[^"]*" width="([^"]*)" height="([^"]*)"/g,
    ),
  ].map((match) => ({
    series: match[1],
    value: match[2],
    width: Number(match[3]),
    height: Number(match[4]),
  }));
}

describe('svg-chart', () => {
  it('draws bar lengths proportional to the values, the largest filling the plot', () => {
    const drawn = bars(barChart(spec()));
    expect(drawn.map((bar) => [bar.series, bar.value])).toEqual([
      ['pledged', '5000.00'],
      ['received', '2000.00'],
      ['pledged', '4000.00'],
      ['received', '7000.50'],
    ]);
    const largest = drawn[3].width;
    expect(largest).toBeGreaterThan(300);
    // 5000.00 / 7000.50 of the plot, to a hundredth of a pixel.
    expect(drawn[0].width).toBeCloseTo((largest * 500000) / 700050, 1);
    expect(drawn[1].width / drawn[2].width).toBeCloseTo(0.5, 3);

    const vertical = bars(barChart(spec({ orientation: 'vertical' })));
    expect(vertical[3].height).toBe(200);
    expect(vertical[1].height).toBeCloseTo((200 * 200000) / 700050, 1);
  });

  it('scales on integers from the decimal strings, exact where a float would not be', () => {
    // 0.1 + 0.2 style values: the ratio is computed on minor units.
    expect(barLength(30n, 30n, 390)).toBe(390);
    expect(barLength(10n, 30n, 390)).toBe(130);
    expect(barLength(1n, 3n, 100)).toBe(33.33);
    expect(barLength(-5n, 30n, 390)).toBe(0);
    expect(barLength(0n, 0n, 390)).toBe(0);
    // Values too large for a float to keep every cent still give the right proportion.
    expect(barLength(900719925474099100n, 1801439850948198200n, 200)).toBe(100);
  });

  it('labels every bar with its value as text and names each series in a legend', () => {
    const svg = barChart(spec());
    for (const value of ['5000.00', '2000.00', '4000.00', '7000.50']) {
      expect(svg).toContain(`>${value}</text>`);
    }
    expect(svg).toContain('>Pledged (CHF)</text>');
    expect(svg).toContain('>Received (CHF)</text>');
    expect(svg).toContain('>2025</text>');
  });

  it('writes the values as it is told (grouped for the page’s language), keeping the decimal data', () => {
    const french = (decimal: string) =>
      decimal.replace('.', ',').replace(/^(\d)(\d{3})/, '$1\u202f$2');
    const svg = barChart(spec({ formatValue: french }));
    expect(svg).toContain('>7\u202f000,50</text>');
    expect(svg).not.toContain('>7000.50</text>');
    expect(svg).toContain('data-value="7000.50"');
    expect(svg).toContain('<title>2026, Received (CHF): 7\u202f000,50</title>');
    // The bars are as long as without the formatting: the lengths come from the decimals.
    expect(bars(svg).map((bar) => bar.width)).toEqual(
      bars(barChart(spec())).map((bar) => bar.width),
    );
  });

  it('tells series apart by pattern, not colour alone, and is an image with a title and a description', () => {
    const svg = barChart(spec());
    expect(svg).toMatch(/^<svg [^>]*role="img"[^>]*aria-labelledby="by-year-title by-year-desc"/);
    expect(svg).toContain('<title id="by-year-title">Contributions by year</title>');
    expect(svg).toContain('<desc id="by-year-desc">Pledged and received per year, in CHF</desc>');
    const patterns = [...svg.matchAll(/<pattern id="(by-year-p\d)"[^>]*>(.*?)<\/pattern>/g)];
    expect(patterns.map((p) => p[1])).toEqual(['by-year-p0', 'by-year-p1']);
    // The second series is hatched (strokes), the first solid: different shapes, not only hues.
    expect(patterns[0][2]).not.toContain('<path');
    expect(patterns[1][2]).toContain('<path');
    expect(svg).not.toContain('style=');
  });

  it('escapes names that people typed', () => {
    const hostile: ReportTable = {
      ...table,
      columns: [table.columns[0], { key: 'received', label: 'Received <b>', kind: 'money' }],
      rows: [{ group: '<script>alert("x")</script> & Sons', received: '10.00' }],
    };
    const svg = barChart(
      spec({ table: hostile, valueKeys: ['received'], title: 'A "chart" <x>', id: 'c' }),
    );
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Sons');
    expect(svg).toContain('<title id="c-title">A &quot;chart&quot; &lt;x&gt;</title>');
  });

  it('refuses a value that is not a decimal number, and a column that is not there', () => {
    const bad: ReportTable = { ...table, rows: [{ group: 'x', pledged: '1e3', received: '1' }] };
    expect(() => barChart(spec({ table: bad }))).toThrow('decimal number');
    expect(() => barChart(spec({ valueKeys: ['nothing'] }))).toThrow('no column "nothing"');
  });

  it('keeps only the chart’s columns for the table under it', () => {
    const picked = pickColumns(table, ['group', 'received']);
    expect(picked.columns.map((c) => c.key)).toEqual(['group', 'received']);
    expect(picked.rows[1]).toEqual({ group: '2026', received: '7000.50' });
    expect(picked.total).toEqual({ group: 'Total', received: '9000.50' });
  });
});
