import {
  DocumentAmount,
  StatementData,
  UN_LANGUAGES,
  UnLanguage,
} from '../statements/statement-data.types';
import { formatMoney } from './document-format';
import { loadCatalogue, translate } from './document-i18n';
import { DocumentRenderer } from './document-renderer';
import { sampleAcknowledgement, sampleReminder, sampleStatement } from './document-samples';

const renderer = new DocumentRenderer();

function statementClosingAt(amount: DocumentAmount, language: UnLanguage): StatementData {
  const data = sampleStatement(language);
  data.sections[0].closingOutstanding = amount;
  return data;
}

describe(DocumentRenderer.name, () => {
  it.each(UN_LANGUAGES)('renders every kind of document in %s', (language) => {
    const documents = [
      sampleStatement(language, { receipts: 6 }),
      { ...sampleStatement(language), fund: null, sections: [] },
      sampleAcknowledgement(language),
      sampleReminder(language, 0),
      { ...sampleReminder(language, 2), bankAccount: null },
    ];
    for (const data of documents) {
      const { html, title } = renderer.render(data, { language, draft: false });
      expect(html).toMatch(/^<!DOCTYPE html>/);
      expect(html).toContain(`<title>${title}</title>`);
      expect(html).toContain(data.donor.name);
    }
  });

  it('throws on a missing field instead of printing nothing (strict mode)', () => {
    const withoutName = sampleStatement('en');
    delete (withoutName.sections[0].fund as Partial<StatementData['sections'][number]['fund']>)
      .name;
    expect(() => renderer.render(withoutName, { language: 'en', draft: false })).toThrow(
      /"name" not defined/,
    );
    // A missing argument of a helper is refused by the helper itself.
    const withoutClosing = sampleStatement('en');
    delete (withoutClosing.sections[0] as Partial<StatementData['sections'][number]>)
      .closingOutstanding;
    expect(() => renderer.render(withoutClosing, { language: 'en', draft: false })).toThrow(
      /money expects/,
    );
  });

  it('escapes what users typed: a donor name, a pledge reference, a bank account name', () => {
    const hostile = '<script>alert("x")</script> & Sons <img src=x onerror=alert(1)>';
    const statement = sampleStatement('en', { donorName: hostile });
    statement.sections[0].pledges[0].earmark = '<b>EARMARK</b>';
    const reminder = sampleReminder('fr');
    reminder.donor.name = hostile;
    reminder.bankAccount = { name: '</td><script>x()</script>', iban: null, bic: null };
    for (const data of [statement, reminder]) {
      const { html } = renderer.render(data, { language: data.donor.language, draft: false });
      expect(html).not.toMatch(/<script|<img|<b>/i);
      expect(html).toContain(
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Sons &lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;',
      );
    }
  });

  // Written out by hand: what a reader of each language expects to see (ICU's grouping
  // characters included: no-break spaces, U+202F in French, U+200F before the Arabic amount).
  it.each<[UnLanguage, string]>([
    ['en', 'CHF\u00a01,234,567.50'],
    ['fr', '1\u202f234\u202f567,50\u00a0CHF'],
    ['es', '1.234.567,50\u00a0CHF'],
    ['ru', '1\u00a0234\u00a0567,50\u00a0CHF'],
    ['zh', 'CHF\u00a01,234,567.50'],
    ['ar', '\u200f1,234,567.50\u00a0CHF'],
  ])('formats money in %s as %j', (language, expected) => {
    const amount = { amount: '1234567.50', currency: 'CHF' };
    expect(formatMoney(language, amount)).toBe(expected);
    const { html } = renderer.render(statementClosingAt(amount, language), {
      language,
      draft: false,
    });
    expect(html).toContain(expected);
  });

  it('formats amounts exactly from their decimal string, with the digits they have', () => {
    // As a float, 12345678901234567.89 would print as 12,345,678,901,234,568.
    expect(formatMoney('en', { amount: '12345678901234567.89', currency: 'CHF' })).toBe(
      'CHF\u00a012,345,678,901,234,567.89',
    );
    expect(formatMoney('en', { amount: '-0.05', currency: 'USD' })).toBe('-USD\u00a00.05');
    expect(formatMoney('fr', { amount: '1500', currency: 'JPY' })).toBe('1\u202f500\u00a0JPY');
    expect(formatMoney('en', { amount: '12.345', currency: 'KWD' })).toBe('KWD\u00a012.345');
    expect(() => formatMoney('en', { amount: '1e3', currency: 'CHF' })).toThrow(/decimal/);
  });

  it('writes dates, countries and rates in the document language', () => {
    const { html: fr } = renderer.render(sampleAcknowledgement('fr'), {
      language: 'fr',
      draft: false,
      number: 'AK-2026-000003',
      issuedOn: '2026-04-02',
    });
    expect(fr).toContain('2 avril 2026');
    expect(fr).toContain('12 mars 2026');
    expect(fr).toContain('0,8843');
    const { html: es } = renderer.render(sampleStatement('es'), { language: 'es', draft: false });
    expect(es).toContain('Colombia');
    expect(es).toContain('31 de diciembre de 2026');
    const { html: zh } = renderer.render(sampleStatement('zh'), { language: 'zh', draft: false });
    expect(zh).toContain('2026年12月31日');
  });

  it('lays Arabic out right to left, the other languages left to right', () => {
    for (const language of UN_LANGUAGES) {
      const { html } = renderer.render(sampleStatement(language), { language, draft: false });
      const dir = language === 'ar' ? 'rtl' : 'ltr';
      expect(html).toContain(`<html lang="${language}" dir="${dir}">`);
    }
  });

  it('renders in the language asked for, whatever the donor’s language', () => {
    const { html, title } = renderer.render(sampleStatement('ru'), {
      language: 'en',
      draft: false,
    });
    expect(title).toBe('Statement of contributions');
    expect(html).toContain('Outstanding at the end of the period');
  });

  it('watermarks a draft and only a draft', () => {
    const data = sampleStatement('es');
    const draft = renderer.render(data, { language: 'es', draft: true });
    const issued = renderer.render(data, {
      language: 'es',
      draft: false,
      number: 'ST-2026-000001',
      issuedOn: '2026-04-02',
    });
    expect(draft.html).toContain('class="watermark"');
    expect(draft.html).toContain('BORRADOR');
    expect(draft.html).toContain('Vista previa, no emitido');
    expect(issued.html).not.toContain('watermark"');
    expect(issued.html).not.toContain('BORRADOR');
    // A reminder has no number, and is not a preview for that.
    const reminder = renderer.render(sampleReminder('es'), { language: 'es', draft: false });
    expect(reminder.html).not.toContain('Vista previa');
  });

  it('titles an issued document with its number and heads its pages with number and date', () => {
    const issued = renderer.render(sampleStatement('fr'), {
      language: 'fr',
      draft: false,
      number: 'ST-2026-000042',
      issuedOn: '2026-04-02',
      version: 2,
    });
    expect(issued.title).toBe('Relevé des contributions ST-2026-000042');
    expect(issued.headerText).toBe('ST-2026-000042 · 2 avril 2026');
    expect(issued.html).toContain('Version 2');
    const reminder = renderer.render(sampleReminder('en', 1), { language: 'en', draft: false });
    expect(reminder.title).toBe('Payment reminder: WSIS-TF-2026-0012, instalment 2');
    expect(reminder.html).toContain('has not yet been received in full');
    // In Arabic the reference is isolated, so its Latin letters cannot reorder the sentence.
    const arabic = renderer.render(sampleReminder('ar', 1), { language: 'ar', draft: false });
    expect(arabic.title).toBe('تذكير بالدفع: \u2068WSIS-TF-2026-0012\u2069، القسط \u20682\u2069');
  });

  it('is a page of its own: inline style, no script, nothing loaded from elsewhere', () => {
    for (const data of [sampleStatement('en'), sampleAcknowledgement('zh'), sampleReminder('ar')]) {
      const { html } = renderer.render(data, { language: data.donor.language, draft: true });
      expect(html).toMatch(/<style>[^<]+<\/style>/);
      expect(html).not.toMatch(/<script|<link|<img|url\(|https?:\/\//);
    }
  });
});

describe('document translations', () => {
  it('have the same keys in all six languages, none empty', () => {
    const english = [...loadCatalogue('en').keys()].sort();
    expect(english.length).toBeGreaterThan(50);
    for (const language of UN_LANGUAGES) {
      const catalogue = loadCatalogue(language);
      expect([...catalogue.keys()].sort()).toEqual(english);
      for (const [key, text] of catalogue) {
        expect({ key, empty: text.trim() === '' }).toEqual({ key, empty: false });
      }
    }
  });

  it('use the same placeholders in every language', () => {
    const placeholders = (text: string): string[] => (text.match(/\{\w+\}/g) ?? []).sort();
    const english = loadCatalogue('en');
    for (const language of UN_LANGUAGES) {
      for (const [key, text] of loadCatalogue(language)) {
        expect({ key, language, placeholders: placeholders(text) }).toEqual({
          key,
          language,
          placeholders: placeholders(english.get(key) ?? ''),
        });
      }
    }
  });

  it('interpolate parameters and refuse a missing key or parameter', () => {
    expect(translate('ru', 'document.version', { version: 3 })).toBe('Версия 3');
    expect(() => translate('en', 'document.nothing')).toThrow(/no translation/);
    expect(() => translate('en', 'document.version')).toThrow(/\{version\}/);
  });
});
