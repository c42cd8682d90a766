import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Handlebars from 'handlebars';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDict, PDFDocument, PDFHexString, PDFName, PDFObject, PDFString } from 'pdf-lib';
import type { BrowserContext, Page } from 'playwright-core';
import { UnLanguage } from '../statements/statement-data.types';
import { textDirection, translate } from './document-i18n';
import { PdfUnavailableError } from './documents.errors';

/** Debian's packaged chromium; playwright never downloads a browser of its own here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// --no-sandbox: the service may run as root in a container, where chromium's sandbox cannot
// start (the pages are our own HTML, with JavaScript off). The rest keep it from calling home.
// Not --single-process: it doubles the PDFs a second here, but chromium then crashes now and
// then (seen with the Arabic header and with four pages at once).
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// Pages printed at once: more would only queue inside chromium and cost memory.
const MAX_PAGES = 4;

// The header and footer do not inherit the page's styles: the same font stacks as document.css.
// For Chinese a TrueType font first (WenQuanYi, when installed): see document.css.
const FONTS: Record<UnLanguage, string> = {
  ar: "'Noto Naskh Arabic', 'Noto Sans Arabic', 'Noto Sans', sans-serif",
  zh: "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Noto Sans', sans-serif",
  en: "'Noto Sans', sans-serif",
  fr: "'Noto Sans', sans-serif",
  es: "'Noto Sans', sans-serif",
  ru: "'Noto Sans', sans-serif",
};

export interface PdfOptions {
  language: UnLanguage;
  /** The document's number and date, printed at the top of every page. */
  headerText: string;
}

/** One document to print: its HTML (a whole page, as DocumentRenderer makes it) and options. */
export interface PdfDocument extends PdfOptions {
  html: string;
}

interface Browser {
  context: BrowserContext;
  profileDir: string;
  /** Pages open now (idle or lent), at most MAX_PAGES. */
  open: number;
  idle: Page[];
  waiting: { resolve: (page: Page) => void; reject: (error: unknown) => void }[];
  /** Set when chromium went away (closed at shutdown, or crashed). */
  closed: boolean;
}

/**
 * Prints HTML documents to PDF with one headless Chromium, started on the first PDF and reused
 * (about 0.1 s a page instead of a second per launch). Each print gets a page of its own, so
 * concurrent calls are safe. Text stays text (selectable, searchable); the document's number,
 * date and "page X / Y" are printed on every page. Closed with the application.
 *
 * Chromium's cost is mostly per print job, not per page, so documents are printed together:
 * up to PARTS_PER_PRINT documents of one language go into one job, each starting on a new page
 * with an invisible link that marks where it starts; the job's PDF is then cut into one PDF per
 * document (pdf-lib), and the header and "page X / Y" of each page, which only then are known,
 * come from a second, light job of blank pages laid over the first (still text). A single
 * document goes the same way, so that every PDF looks the same.
 */
@Injectable()
export class PdfRenderer implements OnApplicationShutdown {
  private readonly logger = new Logger(PdfRenderer.name);
  /** Which chromium to start (a test may point it elsewhere before the first PDF). */
  executablePath = CHROMIUM_PATH;
  private browser?: Promise<Browser>;
  /** Set at shutdown: no browser is started again once the application is stopping. */
  private stopped = false;

  async pdf(html: string, options: PdfOptions): Promise<Buffer> {
    const [pdf] = await this.pdfMany([{ html, ...options }]);
    return pdf;
  }

  /** PDFs of several documents, in their order (printed together where they can be). */
  async pdfMany(documents: readonly PdfDocument[]): Promise<Buffer[]> {
    const pdfs = new Array<Buffer>(documents.length);
    await Promise.all(
      printJobs(documents).map(async (job) => {
        const printed = await this.printTogether(job.map((index) => documents[index]));
        job.forEach((index, k) => (pdfs[index] = printed[k]));
      }),
    );
    return pdfs;
  }

  /** Whether chromium is installed where it is expected. */
  available(): boolean {
    return existsSync(this.executablePath);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.close();
  }

  async close(): Promise<void> {
    const starting = this.browser;
    this.browser = undefined;
    if (starting === undefined) return;
    const browser = await starting.catch(() => undefined);
    if (browser !== undefined) await this.dispose(browser);
  }

  // The documents share a language and a <head>: one job prints their bodies one after the
  // other, a second prints the headers and page numbers, and pdf-lib cuts and lays one over
  // the other.
  private async printTogether(documents: readonly PdfDocument[]): Promise<Buffer[]> {
    const browser = await this.launch();
    const page = await this.takePage(browser);
    let reusable = false;
    try {
      await page.setContent(combined(documents), { waitUntil: 'load' });
      const content = await PDFDocument.load(
        await page.pdf({ format: 'A4', printBackground: true, margin: MARGINS }),
        { updateMetadata: false },
      );
      const starts = partStarts(content, documents.length);
      const ranges = documents.map((_, k) => ({
        from: starts[k],
        to: k + 1 < starts.length ? starts[k + 1] : content.getPageCount(),
      }));
      await page.setContent(bands(documents, ranges), { waitUntil: 'load' });
      const overlay = await PDFDocument.load(
        await page.pdf({ preferCSSPageSize: true, printBackground: false }),
      );
      if (overlay.getPageCount() < content.getPageCount()) {
        throw new Error('the page headers came out with fewer pages than the documents');
      }
      reusable = true;
      return await Promise.all(
        documents.map((document, k) => cut(content, overlay, ranges[k], titleOf(document.html))),
      );
    } catch (error) {
      if (browser.closed) throw new PdfUnavailableError('chromium stopped while printing');
      throw error;
    } finally {
      this.givePage(browser, page, reusable);
    }
  }

  // One launch even when the first PDFs are asked for together; a failed or crashed browser is
  // forgotten, so the next call tries again.
  private launch(): Promise<Browser> {
    if (this.stopped) {
      return Promise.reject(new PdfUnavailableError('the application is stopping'));
    }
    if (this.browser === undefined) {
      const starting = this.start();
      this.browser = starting;
      starting.then(
        (browser) =>
          browser.context.once('close', () => {
            browser.closed = true;
            if (this.browser === starting) this.browser = undefined;
          }),
        () => {
          if (this.browser === starting) this.browser = undefined;
        },
      );
    }
    return this.browser;
  }

  private async start(): Promise<Browser> {
    if (!this.available()) {
      throw new PdfUnavailableError(
        `no chromium at ${this.executablePath} (apt-get install chromium)`,
      );
    }
    // Loaded when first needed: an installation without it still serves everything but PDFs.
    const playwright = await import('playwright-core').catch(() => undefined);
    if (playwright === undefined) {
      throw new PdfUnavailableError('the playwright-core package is not installed');
    }
    const profileDir = mkdtempSync(join(tmpdir(), 'tf-pdf-'));
    try {
      const context = await playwright.chromium.launchPersistentContext(profileDir, {
        executablePath: this.executablePath,
        headless: true,
        args: CHROMIUM_ARGS,
        javaScriptEnabled: false,
        offline: true,
        // The application handles the signals and closes the browser at shutdown, after the
        // documents being printed are done; Playwright's own handlers would kill it under them.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      });
      this.logger.log('chromium started for PDF documents');
      return { context, profileDir, open: 0, idle: [], waiting: [], closed: false };
    } catch (error) {
      rmSync(profileDir, { recursive: true, force: true });
      this.logger.error({ err: error }, 'chromium did not start');
      throw new PdfUnavailableError('chromium did not start');
    }
  }

  private async dispose({ context, profileDir }: Browser): Promise<void> {
    try {
      await context.close();
    } finally {
      rmSync(profileDir, { recursive: true, force: true });
    }
  }

  // Opening a page costs more than printing one: up to MAX_PAGES pages are kept open and each
  // call borrows one for itself (setContent replaces everything the last document left).
  private async takePage(browser: Browser): Promise<Page> {
    const idle = browser.idle.pop();
    if (idle !== undefined) return idle;
    if (browser.open < MAX_PAGES) {
      browser.open++;
      try {
        return await browser.context.newPage();
      } catch (error) {
        browser.open--;
        throw error;
      }
    }
    return new Promise<Page>((resolve, reject) => browser.waiting.push({ resolve, reject }));
  }

  // A page that failed is closed rather than reused; whoever waits gets a fresh one.
  private givePage(browser: Browser, page: Page, reusable: boolean): void {
    const waiting = browser.waiting.shift();
    if (reusable) {
      if (waiting !== undefined) waiting.resolve(page);
      else browser.idle.push(page);
      return;
    }
    browser.open--;
    void page.close().catch(() => undefined);
    if (waiting !== undefined) this.takePage(browser).then(waiting.resolve, waiting.reject);
  }
}

const MARGINS = { top: '20mm', bottom: '18mm', left: '16mm', right: '16mm' };

/** Documents printed in one job: more saves little and makes a failed job cost more. */
export const PARTS_PER_PRINT = 8;

// The link that marks where a document starts in a job's PDF (removed from the PDFs given).
const PART_MARK = 'https://pdf-part.invalid/';

interface PageRange {
  from: number;
  to: number;
}

interface HtmlParts {
  /** Everything before <body ...>: doctype, html element, head. */
  head: string;
  /** The <body ...> tag itself. */
  bodyTag: string;
  inner: string;
}

function htmlParts(html: string): HtmlParts | undefined {
  const open = /<body\b[^>]*>/i.exec(html);
  const close = html.toLowerCase().lastIndexOf('</body>');
  if (open === null || close < open.index) return undefined;
  return {
    head: html.slice(0, open.index),
    bodyTag: open[0],
    inner: html.slice(open.index + open[0].length, close),
  };
}

/**
 * Which documents are printed together (indexes into the list): those of one language whose
 * <head> (but for its <title>, which names each document) and <body> tag are the same, at most
 * PARTS_PER_PRINT at a time.
 */
export function printJobs(documents: readonly PdfDocument[]): number[][] {
  const groups = new Map<string, number[]>();
  documents.forEach((document, index) => {
    const parts = htmlParts(document.html);
    const key =
      parts === undefined
        ? `alone:${index}`
        : `${document.language}\u0000${parts.head.replace(TITLE, '')}\u0000${parts.bodyTag}`;
    groups.set(key, [...(groups.get(key) ?? []), index]);
  });
  const jobs: number[][] = [];
  for (const group of groups.values()) {
    for (let at = 0; at < group.length; at += PARTS_PER_PRINT) {
      jobs.push(group.slice(at, at + PARTS_PER_PRINT));
    }
  }
  return jobs;
}

// One page holding the documents' bodies, each from a new page, each led by its marking link.
function combined(documents: readonly PdfDocument[]): string {
  const parts = documents.map((document) => htmlParts(document.html));
  const first = parts[0];
  if (first === undefined) {
    // Not a whole page (printed alone): marked at its start all the same.
    return `<a href="${PART_MARK}0" style="${MARK_STYLE}"></a>${documents[0].html}`;
  }
  const bodies = parts.map(
    (part, k) =>
      `<div style="break-before: page; position: relative"><a href="${PART_MARK}${k}" style="${MARK_STYLE}"></a>${part!.inner}</div>`,
  );
  return `${first.head}${first.bodyTag}${bodies.join('')}</body></html>`;
}

const MARK_STYLE = 'position: absolute; top: 0; width: 1px; height: 1px';

/**
 * The first page of each document in the job's PDF, read from the marking links, which are
 * then taken off the pages.
 */
function partStarts(pdf: PDFDocument, count: number): number[] {
  const starts: number[] = [];
  pdf.getPages().forEach((page, index) => {
    const annotations = page.node.Annots();
    if (annotations === undefined) return;
    const kept: PDFObject[] = [];
    for (let i = 0; i < annotations.size(); i++) {
      const uri = annotations
        .lookupMaybe(i, PDFDict)
        ?.lookupMaybe(PDFName.of('A'), PDFDict)
        ?.lookup(PDFName.of('URI'));
      const target =
        uri instanceof PDFString || uri instanceof PDFHexString ? uri.decodeText() : undefined;
      if (target?.startsWith(PART_MARK) === true) {
        starts[Number(target.slice(PART_MARK.length))] ??= index;
      } else {
        kept.push(annotations.get(i));
      }
    }
    if (kept.length === 0) page.node.delete(PDFName.of('Annots'));
    else page.node.set(PDFName.of('Annots'), pdf.context.obj(kept));
  });
  const found = Array.from({ length: count }, (_, k): number | undefined => starts[k]);
  if (found.some((start, k) => start === undefined || (k > 0 && start <= (found[k - 1] ?? -1)))) {
    throw new Error('the documents printed together could not be told apart');
  }
  return found.map((start) => start ?? 0);
}

/** Blank A4 pages carrying each page's header (number · date) and "page X / Y". */
function bands(documents: readonly PdfDocument[], ranges: readonly PageRange[]): string {
  const language = documents[0].language;
  const sheets: string[] = [];
  documents.forEach((document, k) => {
    const pages = ranges[k].to - ranges[k].from;
    const header = document.headerText
      .split(' · ')
      .map((part) => `<bdi>${Handlebars.escapeExpression(part)}</bdi>`)
      .join(' · ');
    for (let page = 1; page <= pages; page++) {
      const footer = Handlebars.escapeExpression(
        translate(language, 'document.page', { page: String(page), pages: String(pages) }),
      );
      sheets.push(
        `<div class="sheet"><div class="band top">${header}</div><div class="band bottom"><span dir="auto">${footer}</span></div></div>`,
      );
    }
  });
  return `<!DOCTYPE html><html lang="${language}" dir="${textDirection(language)}"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 0; }
html, body { margin: 0; }
.sheet { position: relative; height: 296mm; overflow: hidden; break-after: page; }
.sheet:last-child { break-after: auto; }
.band { position: absolute; left: 16mm; right: 16mm; font-family: ${FONTS[language]}; font-synthesis-weight: none; font-size: 8pt; color: #4a5562; text-align: end; }
.top { top: 9mm; }
.bottom { bottom: 8mm; }
</style></head><body>${sheets.join('')}</body></html>`;
}

// One document's pages out of the job's PDF, each with its band laid over it.
async function cut(
  content: PDFDocument,
  overlay: PDFDocument,
  range: PageRange,
  title: string | undefined,
): Promise<Buffer> {
  const out = await PDFDocument.create({ updateMetadata: false });
  const indexes = Array.from({ length: range.to - range.from }, (_, i) => range.from + i);
  const pages = await out.copyPages(content, indexes);
  const bandsOfPages = await out.embedPdf(overlay, indexes);
  pages.forEach((page, i) => {
    out.addPage(page);
    page.drawPage(bandsOfPages[i]);
  });
  if (title !== undefined) out.setTitle(title);
  out.setCreator('Chromium');
  out.setProducer('Trust fund contribution tracker (Chromium and pdf-lib)');
  out.setCreationDate(new Date());
  return Buffer.from(await out.save());
}

const TITLE = /<title>([^<]*)<\/title>/i;

// The document's <title>, as a PDF viewer shows it.
function titleOf(html: string): string | undefined {
  const match = TITLE.exec(html);
  return match === null ? undefined : decodeEntities(match[1]);
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot);/gi, (_, entity: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };
    if (entity.startsWith('#x') || entity.startsWith('#X')) {
      return String.fromCodePoint(parseInt(entity.slice(2), 16));
    }
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)));
    return named[entity.toLowerCase()];
  });
}
