import { Injectable, OnModuleInit } from '@nestjs/common';
import Handlebars from 'handlebars';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { Actor } from '../common/actor';
import { APP_INFO } from '../common/app-info';
import { registerHelpers } from './view-helpers';
import { currentLanguage, UI_LANGUAGES, uiText } from './ui-i18n';

const VIEWS_DIR = join(__dirname, 'views');
const APP_NAME = 'Trust-fund contribution tracker';

type Template = Handlebars.TemplateDelegate<Record<string, unknown>>;

/** Who a page is rendered for. */
export interface Viewer {
  actor?: Actor;
  csrfToken?: string;
  /** The path (and query) of the page, for the language switch to come back to. */
  path?: string;
}

/**
 * Renders server-side pages. A private Handlebars instance (helpers and partials of other
 * modules cannot leak in), strict mode (a misspelt variable fails instead of printing nothing),
 * every template compiled once at start-up.
 */
@Injectable()
export class ViewRenderer implements OnModuleInit {
  private readonly handlebars = Handlebars.create();
  private readonly pages = new Map<string, Template>();
  private layout!: Template;

  onModuleInit(): void {
    registerHelpers(this.handlebars);
    const options = { strict: true, preventIndent: true };
    for (const file of hbsFiles(join(VIEWS_DIR, 'partials'))) {
      this.handlebars.registerPartial(
        basename(file, '.hbs'),
        this.handlebars.compile(readFileSync(file, 'utf8'), options),
      );
    }
    // A module's pages may sit in a folder of their own: pages/statements/list.hbs is
    // 'statements/list'.
    const pagesDir = join(VIEWS_DIR, 'pages');
    for (const file of hbsFiles(pagesDir, true)) {
      this.pages.set(
        relative(pagesDir, file)
          .replace(/\.hbs$/, '')
          .split(sep)
          .join('/'),
        this.handlebars.compile(readFileSync(file, 'utf8'), options),
      );
    }
    this.layout = this.handlebars.compile(
      readFileSync(join(VIEWS_DIR, 'layouts', 'main.hbs'), 'utf8'),
      options,
    );
  }

  /**
   * Renders `page` inside the layout. `context.title` names the page; `viewer` is who looks at
   * it (the header shows the user and a sign-out form carrying the session's CSRF token).
   */
  render(
    page: string,
    context: { title: string } & Record<string, unknown>,
    viewer: Viewer = {},
  ): string {
    const template = this.pages.get(page);
    if (template === undefined) throw new Error(`no page template "${page}"`);
    const lang = currentLanguage();
    const back = encodeURIComponent(safeReturnPath(viewer.path));
    const full = {
      active: null,
      lang,
      // The header's switch: a plain link per language (no JavaScript), back to this page.
      languages: UI_LANGUAGES.map((code) => ({
        code,
        name: uiText(`languages.${code}`, {}, code),
        href: `/language?lang=${code}&next=${back}`,
        current: code === lang,
      })),
      appName: APP_NAME,
      appVersion: APP_INFO.version,
      ...context,
      user: viewer.actor ?? null,
      csrfToken: viewer.csrfToken ?? null,
    };
    const body = template(full);
    return this.layout({ ...full, body: new this.handlebars.SafeString(body) });
  }

  /** Renders a partial alone, for htmx to swap into a page. */
  renderPartial(name: string, context: Record<string, unknown>): string {
    const partial = this.handlebars.partials[name] as Template | undefined;
    if (partial === undefined) throw new Error(`no partial "${name}"`);
    return partial(context);
  }
}

/** A local path to come back to (never another site: `//host` and `\\` are refused). */
export function safeReturnPath(path: string | undefined): string {
  return isLocalPath(path) ? path : '/';
}

/** Whether `path` is a path of this site (`/x`), never another site's (`//host`, `\\`). */
export function isLocalPath(path: unknown): path is string {
  return typeof path === 'string' && /^\/(?!\/)[^\s\\]*$/.test(path);
}

function hbsFiles(dir: string, nested = false): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return nested ? hbsFiles(path, true) : [];
    return entry.name.endsWith('.hbs') ? [path] : [];
  });
}
