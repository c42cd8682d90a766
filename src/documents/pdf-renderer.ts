import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Handlebars from 'handlebars';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
 * (about 0.1 s a page instead of a second per launch). Each call gets a page of its own, so
 * concurrent calls are safe. Text stays text (selectable, searchable); the statement number,
 * date and "page X / Y" are printed on every page. Closed with the application.
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
    const browser = await this.launch();
    const page = await this.takePage(browser);
    let reusable = false;
    try {
      await page.setContent(html, { waitUntil: 'load' });
      const pdf = await page.pdf({
        format: 'A4',
        printBackground: true,
        displayHeaderFooter: true,
        headerTemplate: this.header(options),
        footerTemplate: this.footer(options.language),
        margin: { top: '20mm', bottom: '18mm', left: '16mm', right: '16mm' },
      });
      reusable = true;
      return pdf;
    } catch (error) {
      if (browser.closed) throw new PdfUnavailableError('chromium stopped while printing');
      throw error;
    } finally {
      this.givePage(browser, page, reusable);
    }
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

  // Chromium fills the pageNumber and totalPages spans; its header and footer need their own
  // font size and family (they do not inherit the page's styles).
  // Each " · " part (number, date) is isolated, so that a Latin number next to an Arabic date
  // keeps its own direction.
  private header({ language, headerText }: PdfOptions): string {
    const parts = headerText
      .split(' · ')
      .map((part) => `<bdi>${Handlebars.escapeExpression(part)}</bdi>`);
    return band(language, parts.join(' · '));
  }

  private footer(language: UnLanguage): string {
    const label = Handlebars.escapeExpression(
      translate(language, 'document.page', { page: '\u0000page', pages: '\u0000pages' }),
    )
      .replace('\u0000pages', '<span class="totalPages"></span>')
      .replace('\u0000page', '<span class="pageNumber"></span>');
    return band(language, `<span dir="auto">${label}</span>`);
  }
}

function band(language: UnLanguage, content: string): string {
  return `<div dir="${textDirection(language)}" lang="${language}" style="width: 100%; margin: 0 16mm; font-family: ${FONTS[language]}; font-synthesis-weight: none; font-size: 8pt; color: #4a5562; text-align: end;">${content}</div>`;
}
