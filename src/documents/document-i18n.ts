import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UN_LANGUAGES, UnLanguage } from '../statements/statement-data.types';

/**
 * Templates and translations sit beside this file: in src/documents under Jest and ts-node, in
 * dist/src/documents once built (nest-cli.json copies them there as assets).
 */
export const DOCUMENTS_DIR = __dirname;

/** The Intl locale each language is written in (UN English is British English). */
export const LOCALES: Readonly<Record<UnLanguage, string>> = {
  ar: 'ar',
  zh: 'zh-CN',
  en: 'en-GB',
  fr: 'fr',
  es: 'es',
  ru: 'ru',
};

export function textDirection(language: UnLanguage): 'rtl' | 'ltr' {
  return language === 'ar' ? 'rtl' : 'ltr';
}

export type TranslationParams = Readonly<Record<string, string | number>>;

type Catalogue = ReadonlyMap<string, string>;

let catalogues: ReadonlyMap<UnLanguage, Catalogue> | undefined;

/** i18n/<lang>.json, nested objects flattened to dotted keys ("statement.title"). */
export function loadCatalogue(language: UnLanguage, dir = join(DOCUMENTS_DIR, 'i18n')): Catalogue {
  return new Map(
    flattenCatalogue(
      JSON.parse(readFileSync(join(dir, `${language}.json`), 'utf8')),
      `i18n/${language}.json`,
    ),
  );
}

/**
 * A translation file's nested objects flattened to dotted keys: { "statement": { "title": … } }
 * is "statement.title". Every leaf must be text. The interface's catalogues (src/web/i18n) are
 * read the same way.
 */
export function flattenCatalogue(
  root: unknown,
  source: string,
  prefix = '',
): Array<[string, string]> {
  const entries: Array<[string, string]> = [];
  const walk = (node: unknown, path: string): void => {
    if (typeof node === 'string') {
      entries.push([path, node]);
      return;
    }
    if (node === null || typeof node !== 'object' || Array.isArray(node)) {
      throw new Error(`${source}: "${path}" must be text or an object`);
    }
    for (const [key, value] of Object.entries(node)) {
      walk(value, path === '' ? key : `${path}.${key}`);
    }
  };
  walk(root, prefix);
  return entries;
}

function catalogue(language: UnLanguage): Catalogue {
  catalogues ??= new Map(UN_LANGUAGES.map((lang) => [lang, loadCatalogue(lang)]));
  const found = catalogues.get(language);
  if (found === undefined) throw new Error(`no translations for language "${String(language)}"`);
  return found;
}

/**
 * The text of `key` in `language`, with `{name}` placeholders filled from `params`. A missing
 * key or parameter throws, like the templates' strict mode: a document never goes out with a
 * hole or a raw key in it. The result is plain text (also an e-mail subject); the caller
 * escapes it.
 */
export function translate(
  language: UnLanguage,
  key: string,
  params: TranslationParams = {},
): string {
  const text = catalogue(language).get(key);
  if (text === undefined) throw new Error(`no translation "${key}" in ${language}`);
  return fillPlaceholders(key, text, params, textDirection(language) === 'rtl');
}

/**
 * `{name}` placeholders of a translated text filled from `params`; a missing parameter throws.
 * In right-to-left text a value (a reference, an amount, a date) is isolated (FSI … PDI), so
 * that its Latin letters and digits cannot reorder the Arabic words around it.
 */
export function fillPlaceholders(
  key: string,
  text: string,
  params: TranslationParams,
  rightToLeft = false,
): string {
  return text.replace(/\{(\w+)\}/g, (_whole, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`translation "${key}" needs the parameter {${name}}`);
    return rightToLeft ? `\u2068${String(value)}\u2069` : String(value);
  });
}
