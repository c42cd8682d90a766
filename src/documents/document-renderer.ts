import { Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CalendarDate } from '../common/calendar-date';
import { DocumentData, UnLanguage } from '../statements/statement-data.types';
import { formatDate } from './document-format';
import { DocumentRenderData, registerDocumentHelpers } from './document-helpers';
import { DOCUMENTS_DIR, textDirection, translate } from './document-i18n';

const TEMPLATES_DIR = join(DOCUMENTS_DIR, 'templates');

export interface RenderOptions {
  language: UnLanguage;
  /** A preview: watermarked DRAFT on every page. */
  draft: boolean;
  /** The issued number (ST-2026-000001); absent for a preview or a reminder. */
  number?: string;
  issuedOn?: CalendarDate;
  /** Shown from version 2 on (a correction). */
  version?: number;
}

export interface RenderedDocument {
  /** A standalone page: lang and dir, inline CSS, no script and nothing loaded from elsewhere. */
  html: string;
  /** The translated title (with the number when issued): the page title and an e-mail subject. */
  title: string;
  /** The document's number (or title) and date, for the PDF's header on every page. */
  headerText: string;
}

type Template = Handlebars.TemplateDelegate<Record<string, unknown>>;

/** Reports printed in the documents' layout (templates/<name>.hbs), not issued to a donor. */
export type ReportTemplate = 'council';

export interface ReportRenderOptions {
  language: UnLanguage;
  draft: boolean;
  /** The translated title: the page title, the heading and the PDF's header. */
  title: string;
  fundName: string;
}

/**
 * Renders statements, acknowledgement letters and reminders as HTML in the six UN languages.
 * A private Handlebars instance with strict mode (a missing field throws instead of printing
 * nothing), helpers from one file, templates compiled once per process; everything in the
 * data is output escaped, so a donor name such as `<script>` stays text.
 */
@Injectable()
export class DocumentRenderer {
  private readonly handlebars = Handlebars.create();
  private readonly layout: Template;
  private readonly bodies: Record<DocumentData['kind'], Template>;
  private readonly css: string;
  private readonly reports: Record<ReportTemplate, Template>;

  constructor() {
    registerDocumentHelpers(this.handlebars);
    const partials = join(TEMPLATES_DIR, 'partials');
    for (const file of readdirSync(partials).filter((name) => name.endsWith('.hbs'))) {
      this.handlebars.registerPartial(basename(file, '.hbs'), this.compile(join(partials, file)));
    }
    this.layout = this.compile(join(TEMPLATES_DIR, 'layout.hbs'));
    this.bodies = {
      statement: this.compile(join(TEMPLATES_DIR, 'statement.hbs')),
      acknowledgement: this.compile(join(TEMPLATES_DIR, 'acknowledgement.hbs')),
      reminder: this.compile(join(TEMPLATES_DIR, 'reminder.hbs')),
    };
    this.css = readFileSync(join(TEMPLATES_DIR, 'document.css'), 'utf8');
    this.reports = { council: this.compile(join(TEMPLATES_DIR, 'council.hbs')) };
  }

  /**
   * A report in the same layout, helpers, styles and strict mode as the donor documents; its
   * template gets `{ data, doc }` like theirs.
   */
  renderReport(
    template: ReportTemplate,
    data: object,
    options: ReportRenderOptions,
  ): RenderedDocument {
    const lang = options.language;
    const context = {
      data,
      doc: {
        kind: template,
        lang,
        dir: textDirection(lang),
        title: options.title,
        heading: options.title,
        draft: options.draft,
        number: null,
        issuedOn: null,
        version: 1,
        corrected: false,
        fundName: options.fundName,
        css: new this.handlebars.SafeString(this.css),
      },
    };
    const renderData: { data: DocumentRenderData } = { data: { lang } };
    const body = this.reports[template](context, renderData);
    const html = this.layout(
      { ...context, body: new this.handlebars.SafeString(body) },
      renderData,
    );
    return { html, title: options.title, headerText: `${options.fundName} · ${options.title}` };
  }

  render(data: DocumentData, options: RenderOptions): RenderedDocument {
    const lang = options.language;
    const heading = translate(lang, `${data.kind}.title`);
    const title = this.title(data, options);
    const headerText = [
      options.number ?? title,
      options.issuedOn === undefined ? undefined : formatDate(lang, options.issuedOn),
    ]
      .filter((part) => part !== undefined)
      .join(' · ');
    const context = {
      data,
      doc: {
        kind: data.kind,
        lang,
        dir: textDirection(lang),
        title,
        heading,
        draft: options.draft,
        number: options.number ?? null,
        issuedOn: options.issuedOn ?? null,
        version: options.version ?? 1,
        corrected: (options.version ?? 1) > 1,
        fundName: data.fund?.name ?? translate(lang, 'statement.allFunds'),
        css: new this.handlebars.SafeString(this.css),
      },
    };
    const renderData: { data: DocumentRenderData } = { data: { lang } };
    const body = this.bodies[data.kind](context, renderData);
    const html = this.layout(
      { ...context, body: new this.handlebars.SafeString(body) },
      renderData,
    );
    return { html, title, headerText };
  }

  private title(data: DocumentData, options: RenderOptions): string {
    const lang = options.language;
    const title =
      data.kind === 'reminder'
        ? translate(lang, 'reminder.subject', {
            reference: data.pledgeReference,
            seq: data.instalmentSeq,
          })
        : translate(lang, `${data.kind}.title`);
    return options.number === undefined ? title : `${title} ${options.number}`;
  }

  private compile(file: string): Template {
    return this.handlebars.compile(readFileSync(file, 'utf8'), {
      strict: true,
      preventIndent: true,
    });
  }
}
