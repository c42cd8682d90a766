import fc from 'fast-check';
import {
  candidatePatterns,
  comparisonKey,
  editDistance,
  foldName,
  isNearDuplicate,
  trigramSimilarity,
} from './donor-name';

const donor = (name: string, country: string | null = null) => ({ name, country });

describe('donor names', () => {
  describe(foldName.name, () => {
    it('folds case, accents and punctuation, and keeps every word for search', () => {
      expect(foldName("  Ministère de l'Économie  ")).toBe('ministere de l economie');
      expect(foldName('The Swiss Confederation')).toBe('the swiss confederation');
      expect(foldName('Fundação Calouste Gulbenkian, S.A.')).toBe(
        'fundacao calouste gulbenkian s a',
      );
      expect(foldName('Straße & Søn — Łódź')).toBe('strasse son lodz');
      expect(foldName('ＵＮＤＰ')).toBe('undp');
    });

    it('keeps letters of other scripts (their marks fold away as accents do)', () => {
      expect(foldName('Российская Федерация')).toBe(foldName('российская федерация'));
      expect(foldName('Российская Федерация')).toBe('россииская федерация');
      expect(foldName('中华人民共和国')).toBe('中华人民共和国');
    });
  });

  describe(comparisonKey.name, () => {
    it('drops the words that say what kind of body a donor is', () => {
      expect(comparisonKey('The Swiss Confederation')).toBe('swiss confederation');
      expect(comparisonKey('Government of Japan')).toBe('japan');
      expect(comparisonKey('Republic of Korea')).toBe('korea');
      expect(comparisonKey("Ministère de l'Économie")).toBe('economie');
      expect(comparisonKey('Acme Holdings Ltd.')).toBe('acme holdings');
      expect(comparisonKey('Acme Holdings AG')).toBe('acme holdings');
    });

    it('keeps the folded name when nothing else would be left', () => {
      expect(comparisonKey('The Government')).toBe('government');
      expect(comparisonKey('S.A.')).toBe('s a');
    });
  });

  describe(isNearDuplicate.name, () => {
    it.each([
      ['Swiss Confederation', 'The Swiss Confederation'],
      ["Ministère de l'Économie", 'ministere de l economie'],
      ['Government of Japan', 'Japan'],
      ['Swiss Confederation', 'Swiss Confederaton'],
      ['Bill and Melinda Gates Foundation', 'Bill & Melinda Gates Foundation'],
      ['Gates Foundation', 'Foundation Gates'],
      ['Telefonica SA', 'Telefónica S.A.'],
    ])('warns about "%s" and "%s"', (a, b) => {
      expect(isNearDuplicate(donor(a), donor(b))).toBe(true);
      expect(isNearDuplicate(donor(b), donor(a))).toBe(true);
    });

    it.each([
      ['Republic of Korea', "Democratic People's Republic of Korea"],
      ['Austria', 'Australia'],
      ['Niger', 'Nigeria'],
      ['Iran', 'Iraq'],
      ['Slovakia', 'Slovenia'],
      ['Ministry of Health', 'Ministry of Finance'],
      ['Dominica', 'Dominican Republic'],
      ['Sudan', 'South Sudan'],
      ['United Nations Foundation', 'United Nations Development Programme'],
    ])('tells "%s" from "%s"', (a, b) => {
      expect(isNearDuplicate(donor(a), donor(b))).toBe(false);
    });

    it('does not call a typo a duplicate when the countries differ, but equal names always are', () => {
      expect(isNearDuplicate(donor('Gambia', 'GM'), donor('Zambia', 'ZM'))).toBe(false);
      expect(isNearDuplicate(donor('Gambia', 'GM'), donor('Zambia'))).toBe(true);
      expect(isNearDuplicate(donor('Acme Ltd', 'CH'), donor('ACME', 'FR'))).toBe(true);
    });

    it('finds every near-duplicate among the candidates the SQL prefilter selects', () => {
      // The prefilter keeps a donor when its folded name matches one of the patterns.
      const matches = (pattern: string, text: string) =>
        new RegExp(`^${pattern.replace(/%/g, '.*')}$`).test(text);
      const word = fc.stringMatching(/^[a-z]{2,10}$/);
      fc.assert(
        fc.property(fc.array(word, { minLength: 1, maxLength: 4 }), fc.nat(), (words, at) => {
          const name = words.join(' ');
          // One typo: a letter changed somewhere in the name.
          const i = at % name.length;
          const typo = name.slice(0, i) + (name[i] === 'x' ? 'y' : 'x') + name.slice(i + 1);
          if (!isNearDuplicate(donor(name), donor(typo))) return;
          expect(candidatePatterns(typo).some((p) => matches(p, foldName(name)))).toBe(true);
        }),
      );
    });
  });

  describe(editDistance.name, () => {
    it('counts insertions, deletions and substitutions, and stops past the limit', () => {
      expect(editDistance('kitten', 'sitting')).toBe(3);
      expect(editDistance('', 'abc')).toBe(3);
      expect(editDistance('same', 'same')).toBe(0);
      expect(editDistance('kitten', 'sitting', 1)).toBe(2);
      expect(editDistance('a', 'abcdef', 2)).toBe(3);
    });
  });

  describe(trigramSimilarity.name, () => {
    it('is 1 for the same words and 0 for nothing in common', () => {
      expect(trigramSimilarity('swiss confederation', 'confederation swiss')).toBe(1);
      expect(trigramSimilarity('abc', 'xyz')).toBe(0);
      expect(trigramSimilarity('', 'xyz')).toBe(0);
    });
  });
});
