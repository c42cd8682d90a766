import { Test, TestingModule } from '@nestjs/testing';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatMoney } from '../../src/documents/document-format';
import { translate } from '../../src/documents/document-i18n';
import { DocumentRenderer } from '../../src/documents/document-renderer';
import { sampleAcknowledgement, sampleStatement } from '../../src/documents/document-samples';
import { DocumentsModule } from '../../src/documents/documents.module';
import { CHROMIUM_PATH, PdfRenderer, printJobs } from '../../src/documents/pdf-renderer';
import { UN_LANGUAGES, UnLanguage } from '../../src/statements/statement-data.types';

const hasPdftotext = spawnSync('pdftotext', ['-v']).status === 0;
const hasChromium = existsSync(CHROMIUM_PATH);

/** Like describeWithBrowser: skipped with the reason on a machine without the tools, failing in CI. */
function describeWithPdfTools(name: string, fn: () => void): void {
  const missing = [
    hasChromium ? undefined : `no chromium at ${CHROMIUM_PATH}`,
    hasPdftotext ? undefined : 'no pdftotext (poppler-utils)',
  ].filter((reason) => reason !== undefined);
  if (missing.length === 0) describe(name, fn);
  else if (process.env.CI) {
    describe(name, () => {
      it('has chromium and pdftotext', () => {
        throw new Error(`${missing.join(', ')}: apt-get install chromium poppler-utils`);
      });
    });
  } else describe.skip(`${name} (skipped: ${missing.join(', ')})`, fn);
}

const workDir = mkdtempSync(join(tmpdir(), 'tf-pdf-test-'));
let files = 0;

/**
 * The text of each page of a PDF, as a reader copying it out would get it. `raw` keeps the order
 * in which the text was drawn: the only way to get the rotated watermark back as one word.
 */
function pdfPages(pdf: Buffer, mode: 'layout' | 'raw' = 'layout'): string[] {
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const file = join(workDir, `document-${++files}.pdf`);
  writeFileSync(file, pdf);
  const args = [...(mode === 'raw' ? ['-raw'] : []), '-enc', 'UTF-8', file, '-'];
  return execFileSync('pdftotext', args, { encoding: 'utf8' }).split('\f').slice(0, -1);
}

// pdftotext adds bidi embedding marks around right-to-left runs, breaks lines where the page
// does and writes no-break spaces as it likes; none of that is content. NFKC folds Arabic
// presentation forms back to letters.
const BIDI_MARKS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
const squeeze = (text: string): string =>
  text.normalize('NFKC').replace(BIDI_MARKS, '').replace(/\s/gu, '');
const words = (text: string): string[] =>
  text
    .normalize('NFKC')
    .replace(BIDI_MARKS, ' ')
    .split(/\s+/u)
    .filter((word) => word !== '');

/** Whether the words of `part` are all among `whole`'s, each as many times. */
function containsWords(whole: string[], part: string[]): boolean {
  const left = [...whole];
  return part.every((word) => {
    const at = left.indexOf(word);
    if (at >= 0) left.splice(at, 1);
    return at >= 0;
  });
}

/**
 * Whether `page` shows `expected`. Right-to-left text comes out of pdftotext in reading order
 * for words but often in page order for the Latin and digit runs between them ("صفحة 3 / 1"
 * for page 1 of 3, the amount "‏1,234.50 CHF" as "CHF 1,234.50"). For Arabic, a line holding
 * exactly the expected words is therefore accepted too: a missing header, another page number
 * or another amount still fails.
 */
function expectToShow(page: string, expected: string, language: UnLanguage): void {
  const found =
    squeeze(page).includes(squeeze(expected)) ||
    (language === 'ar' &&
      page.split('\n').some((line) => containsWords(words(line), words(expected))));
  if (!found) {
    throw new Error(
      `expected the PDF text to show ${JSON.stringify(expected)}; it reads:\n${page}`,
    );
  }
}

describeWithPdfTools('PDF documents (chromium, pdftotext)', () => {
  let moduleRef: TestingModule;
  let renderer: DocumentRenderer;
  let printer: PdfRenderer;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({ imports: [DocumentsModule] }).compile();
    await moduleRef.init();
    renderer = moduleRef.get(DocumentRenderer);
    printer = moduleRef.get(PdfRenderer);
  });

  afterAll(async () => {
    await moduleRef?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it.each(UN_LANGUAGES)(
    'a statement in %s shows the donor, the closing amount, and number, date and page X / Y on every page',
    async (language) => {
      const data = sampleStatement(language, { seed: 7, receipts: 45 });
      const { html, headerText } = renderer.render(data, {
        language,
        draft: false,
        number: 'ST-2026-000017',
        issuedOn: '2026-04-02',
      });
      const pages = pdfPages(await printer.pdf(html, { language, headerText }));

      expect(pages.length).toBeGreaterThanOrEqual(2);
      const document = pages.join('\n');
      expectToShow(document, data.donor.name, language);
      expectToShow(document, formatMoney(language, data.sections[0].closingOutstanding), language);
      expect(headerText).toContain('ST-2026-000017');
      pages.forEach((page, index) => {
        expectToShow(page, headerText, language);
        const label = translate(language, 'document.page', {
          page: index + 1,
          pages: pages.length,
        });
        expectToShow(page, label, language);
      });
    },
  );

  it('prints documents asked for at the same time each with its own content', async () => {
    const letters = UN_LANGUAGES.map((language, seed) => ({
      language,
      data: sampleAcknowledgement(language, seed),
    }));
    const pdfs = await Promise.all(
      letters.map(({ language, data }) => {
        const { html, headerText } = renderer.render(data, {
          language,
          draft: false,
          number: `AK-2026-00000${letters.findIndex((letter) => letter.language === language) + 1}`,
          issuedOn: '2026-03-13',
        });
        return printer.pdf(html, { language, headerText });
      }),
    );
    pdfs.forEach((pdf, index) => {
      const text = pdfPages(pdf).join('\n');
      const { language, data } = letters[index];
      expectToShow(text, data.donor.name, language);
      expectToShow(text, `AK-2026-00000${index + 1}`, language);
      for (const other of letters.filter((_, i) => i !== index)) {
        expect(squeeze(text)).not.toContain(squeeze(other.data.donor.name));
      }
    });
  });

  it('prints statements asked for together in one job per language, each its own PDF with its own pages', async () => {
    // Nine English statements of different lengths and two French ones, numbered in turn.
    const english = [...Array(9).keys()].map((seed) => ({
      language: 'en',
      seed,
      receipts: 3 + seed * 5,
    }));
    const statements = english
      .concat([
        { language: 'fr', seed: 20, receipts: 30 },
        { language: 'fr', seed: 21, receipts: 4 },
      ])
      .map(({ language: code, seed, receipts }, index) => {
        const language = code as UnLanguage;
        const data = sampleStatement(language, { seed, receipts });
        const number = `ST-2026-0001${String(index).padStart(2, '0')}`;
        const rendered = renderer.render(data, {
          language,
          draft: false,
          number,
          issuedOn: '2026-04-02',
        });
        return { language, data, number, ...rendered };
      });
    // Different titles (the numbers) do not keep them apart: 8 + 1 English, 2 French.
    expect(printJobs(statements).map((job) => job.length)).toEqual([8, 1, 2]);

    const together = await printer.pdfMany(statements);
    expect(together).toHaveLength(statements.length);
    for (const [index, statement] of statements.entries()) {
      const pages = pdfPages(together[index]);
      // The same pages as the statement printed on its own.
      const alone = pdfPages(await printer.pdf(statement.html, statement));
      expect(pages.length).toBe(alone.length);
      const text = pages.join('\n');
      expectToShow(text, statement.data.donor.name, statement.language);
      for (const other of statements.filter(
        (o) => o.data.donor.name !== statement.data.donor.name,
      )) {
        expect(squeeze(text)).not.toContain(squeeze(other.number));
      }
      pages.forEach((page, at) => {
        expectToShow(page, statement.headerText, statement.language);
        const label = translate(statement.language, 'document.page', {
          page: at + 1,
          pages: pages.length,
        });
        expectToShow(page, label, statement.language);
      });
    }
  });

  it('prints a draft with its watermark on every page, as text', async () => {
    const data = sampleStatement('ru', { receipts: 45 });
    const { html, headerText } = renderer.render(data, { language: 'ru', draft: true });
    const pages = pdfPages(await printer.pdf(html, { language: 'ru', headerText }), 'raw');
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expectToShow(pages[0], 'Предварительный просмотр, не выдан', 'ru');
    for (const page of pages) expect(page.split('\n')).toContain('ПРОЕКТ');
  });
});
