import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { reportCsv, ReportTable, reportXlsx } from './report-table';

const byDonor: ReportTable = {
  name: 'contributions-by-donor',
  title: 'Contributions by donor',
  columns: [
    { key: 'donor', label: 'Donor', kind: 'text' },
    { key: 'received_chf', label: 'Received (CHF)', kind: 'money' },
    { key: 'receipts', label: 'Receipts', kind: 'count' },
    { key: 'share', label: 'Share (%)', kind: 'percent' },
    { key: 'last_paid_on', label: 'Last paid on', kind: 'date' },
  ],
  rows: [
    {
      donor: 'Switzerland',
      received_chf: '1234567.89',
      receipts: 3,
      share: '75.5',
      last_paid_on: '2026-05-04',
    },
    {
      donor: '=cmd|" /C calc"!A0',
      received_chf: '-0.05',
      receipts: 1,
      share: '0.3',
      last_paid_on: null,
    },
    {
      donor: '+Sweden',
      received_chf: '400000.16',
      receipts: 2,
      share: '24.2',
      last_paid_on: '2026-03-02',
    },
  ],
  total: { donor: 'Total', received_chf: '1634568.00', receipts: 6, share: '100' },
  filters: { Fund: 'WSIS-TF', From: '2026-01-01', To: '2026-12-31' },
};

const byYear: ReportTable = {
  name: 'contributions-by-year',
  title: 'Contributions by year',
  columns: [
    { key: 'year', label: 'Year', kind: 'text' },
    { key: 'received_chf', label: 'Received (CHF)', kind: 'money' },
  ],
  rows: [{ year: '2026', received_chf: '1634568.00' }],
};

async function readBack(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  // exceljs's own Buffer type predates Node's generic one.
  await workbook.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  return workbook;
}

/** The values of a sheet's rows, from the first, without exceljs's leading empty slot. */
function values(sheet: ExcelJS.Worksheet): unknown[][] {
  const rows: unknown[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    rows.push((row.values as unknown[]).slice(1));
  });
  return rows;
}

describe('report tables', () => {
  describe(reportCsv.name, () => {
    it('has a header of column keys, one line per row, the total last, and exact decimal strings', () => {
      const csv = reportCsv(byDonor);
      const records = parse<Record<string, string>>(csv, { columns: true });
      expect(csv.split('\n')[0]).toBe('row_type,donor,received_chf,receipts,share,last_paid_on');
      expect(records.map((r) => r.row_type)).toEqual(['row', 'row', 'row', 'total']);
      expect(records.map((r) => r.received_chf)).toEqual([
        '1234567.89',
        '-0.05',
        '400000.16',
        '1634568.00',
      ]);
      expect(records[0]).toMatchObject({
        receipts: '3',
        share: '75.5',
        last_paid_on: '2026-05-04',
      });
      // Absent cells are empty, not "null".
      expect(records[1].last_paid_on).toBe('');
      expect(records[3].last_paid_on).toBe('');
    });

    it('makes text a person typed inert for spreadsheets, but not negative amounts', () => {
      const records = parse<Record<string, string>>(reportCsv(byDonor), { columns: true });
      expect(records[1].donor).toBe(`'=cmd|" /C calc"!A0`);
      expect(records[2].donor).toBe("'+Sweden");
      expect(records[1].received_chf).toBe('-0.05');
    });

    it('gives only the header when a table has no rows', () => {
      expect(reportCsv({ ...byYear, rows: [] })).toBe('row_type,year,received_chf\n');
    });
  });

  describe(reportXlsx.name, () => {
    it('makes one sheet per table, named after it, with the title, filters and header labels', async () => {
      const workbook = await readBack(await reportXlsx([byDonor, byYear]));
      expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual([
        'contributions-by-donor',
        'contributions-by-year',
      ]);
      const rows = values(workbook.worksheets[0]);
      expect(rows[0]).toEqual(['Contributions by donor']);
      expect(rows.slice(1, 4)).toEqual([
        ['Fund', 'WSIS-TF'],
        ['From', '2026-01-01'],
        ['To', '2026-12-31'],
      ]);
      expect(rows[4]).toEqual(['Donor', 'Received (CHF)', 'Receipts', 'Share (%)', 'Last paid on']);
      expect(values(workbook.worksheets[1])[1]).toEqual(['Year', 'Received (CHF)']);
    });

    it('writes money as numbers equal to the decimal strings, with two decimals shown, and the total in bold', async () => {
      const workbook = await readBack(await reportXlsx([byDonor]));
      const sheet = workbook.worksheets[0];
      const rows = values(sheet);
      const body = rows.slice(5);
      expect(body).toHaveLength(4);
      const money = body.map((row) => row[1] as number);
      expect(money.map((amount) => amount.toFixed(2))).toEqual([
        '1234567.89',
        '-0.05',
        '400000.16',
        '1634568.00',
      ]);
      expect(sheet.getRow(6).getCell(2).numFmt).toBe('#,##0.00;-#,##0.00');
      expect(body[0][2]).toBe(3);
      expect(body[0][3]).toBe(75.5);
      expect(body[0][4]).toBe('2026-05-04');
      expect(body[3][0]).toBe('Total');
      expect(sheet.getRow(9).font?.bold).toBe(true);
      expect(sheet.getRow(6).font?.bold).not.toBe(true);
    });

    it('keeps text that looks like a formula as text, as typed, never a formula', async () => {
      const workbook = await readBack(await reportXlsx([byDonor]));
      const cell = workbook.worksheets[0].getRow(7).getCell(1);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.value).toBe(`=cmd|" /C calc"!A0`);
      expect(cell.formula).toBeUndefined();
      expect(workbook.worksheets[0].getRow(8).getCell(1).value).toBe('+Sweden');
    });

    it('gives distinct, valid sheet names to tables whose names clash or are too long', async () => {
      const long = 'grants-by-stakeholder-group-and-ldc-status-per-event';
      const workbook = await readBack(
        await reportXlsx([
          { ...byYear, name: long },
          { ...byYear, name: long },
          { ...byYear, name: 'a/b:c' },
        ]),
      );
      const names = workbook.worksheets.map((sheet) => sheet.name);
      expect(new Set(names).size).toBe(3);
      for (const name of names) expect(name.length).toBeLessThanOrEqual(31);
      expect(names[2]).toBe('a-b-c');
    });
  });
});
