import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  formatAmount,
  formatNumber,
  loadUiCatalogue,
  negotiateLanguage,
  readAmount,
  UI_LANGUAGES,
} from './ui-i18n';
import { Money } from '../money/money';

const placeholders = (text: string): string[] =>
  [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the interface catalogues', () => {
  const english = loadUiCatalogue('en');

  it.each(UI_LANGUAGES.filter((l) => l !== 'en'))('%s has exactly the English keys', (language) => {
    const other = loadUiCatalogue(language);
    expect([...other.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it.each(UI_LANGUAGES.filter((l) => l !== 'en'))(
    '%s uses no placeholder the English text does not give',
    (language) => {
      const other = loadUiCatalogue(language);
      const extra = [...other].flatMap(([key, text]) =>
        placeholders(text)
          .filter((name) => !placeholders(english.get(key) ?? '').includes(name))
          .map((name) => `${key}: {${name}}`),
      );
      expect(extra).toEqual([]);
    },
  );

  it('has no empty text', () => {
    for (const language of UI_LANGUAGES) {
      const empty = [...loadUiCatalogue(language)].filter(([, text]) => text.trim() === '');
      expect(empty.map(([key]) => `${language}:${key}`)).toEqual([]);
    }
  });
});

describe('the language of a request', () => {
  it('is the chosen one, then the browser’s best, then English', () => {
    expect(negotiateLanguage('fr', 'en-GB')).toBe('fr');
    expect(negotiateLanguage(undefined, 'de-CH, fr-CH;q=0.9, en;q=0.8')).toBe('fr');
    expect(negotiateLanguage(undefined, 'fr;q=0.5, en;q=0.8')).toBe('en');
    expect(negotiateLanguage('xx', 'de')).toBe('en');
    expect(negotiateLanguage(undefined, undefined)).toBe('en');
  });
});

describe('amounts in the user’s language', () => {
  it('are shown grouped in each language', () => {
    expect(formatAmount({ currency: 'USD', amount: '-1234567.50' }, 'en')).toBe(
      'USD -1,234,567.50',
    );
    expect(formatAmount({ currency: 'CHF', amount: '1234567.50' }, 'fr')).toBe(
      '1\u202f234\u202f567,50\u00a0CHF',
    );
    expect(formatNumber('1000', 'fr')).toBe('1\u202f000');
    expect(formatNumber('999.05', 'en')).toBe('999.05');
  });

  it('typed in French are read exactly', () => {
    for (const typed of ['1 234,50', '1\u202f234,50', '1\u00a0234,50', '1234,50', '1234.50']) {
      expect(Money.parse(readAmount(typed, 'fr'), 'CHF').toDecimalString()).toBe('1234.50');
    }
    expect(Money.parse(readAmount(' 1,234.50 ', 'en'), 'USD').toDecimalString()).toBe('1234.50');
  });

  it('typed with English grouping in French are refused, never read as millions', () => {
    expect(() => Money.parse(readAmount('1,234,567', 'fr'), 'CHF')).toThrow();
    expect(() => Money.parse(readAmount('1.234,50', 'fr'), 'CHF')).toThrow();
    // In French the comma is the decimal mark, also for three-decimal currencies.
    expect(Money.parse(readAmount('12,500', 'fr'), 'KWD').toDecimalString()).toBe('12.500');
  });

  it('typed wrongly are still refused', () => {
    expect(() => Money.parse(readAmount('1,2,3', 'fr'), 'CHF')).toThrow();
    expect(() => Money.parse(readAmount('12 34,5', 'fr'), 'CHF')).toThrow();
    expect(() => Money.parse(readAmount('1 234,50', 'en'), 'USD')).toThrow();
  });
});

describe('every text the pages ask for', () => {
  // A key missing from the catalogue throws when the page is rendered: in a branch no test
  // happens to render, that would be a 500 for a user. Every literal key is looked up here.
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : [path];
    });
  const src = join(__dirname, '..');
  const english = loadUiCatalogue('en');

  it('exists for every {{t "…"}} of the templates and uiText("…") of the code', () => {
    const asked: string[] = [];
    // The donor documents (src/documents) have their own six-language catalogue.
    for (const file of files(src).filter((path) => !path.startsWith(join(src, 'documents')))) {
      if (file.endsWith('.hbs')) {
        const text = readFileSync(file, 'utf8');
        for (const match of text.matchAll(/[{(]t\s+"([\w.-]+)"/g))
          asked.push(`${file}: ${match[1]}`);
      } else if (file.endsWith('.ts') && !file.endsWith('.spec.ts')) {
        const text = readFileSync(file, 'utf8');
        for (const match of text.matchAll(/uiText\(\s*'([\w.-]+)'/g))
          asked.push(`${file}: ${match[1]}`);
      }
    }
    expect(asked.length).toBeGreaterThan(500);
    const missing = asked.filter((entry) => !english.has(entry.split(': ')[1]));
    expect(missing).toEqual([]);
  });
});
