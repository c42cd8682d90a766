/**
 * Donor names as people type them: "Ministère de l'Économie", "ministere de l economie", "The
 * Swiss Confederation". Two forms are derived from a name:
 *
 * - the folded name (stored as donor.normalized_name, used for search): lower case, accents and
 *   punctuation removed, single spaces. Nothing else is dropped, so every word stays searchable.
 * - the comparison key (for the near-duplicate warning): the folded name without the words that
 *   say what kind of body a donor is rather than which ("the", "government of", "inc"…).
 */

// Letters that Unicode does not decompose into a base letter and a mark.
const LETTERS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

/** Lower case, no accents, no punctuation, words separated by one space. */
export function foldName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (letter) => LETTERS[letter])
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

// Phrases naming the form of a public body, in English, French and Spanish (on folded text).
const FORM_PHRASES = [
  'government of',
  'ministry of',
  'republic of',
  'kingdom of',
  'gouvernement de',
  'gouvernement du',
  'gouvernement des',
  'ministere de',
  'ministere du',
  'ministere des',
  'republique de',
  'republique du',
  'royaume de',
  'royaume du',
  'gobierno de',
  'gobierno del',
  'ministerio de',
  'ministerio del',
  'republica de',
  'reino de',
];

// Articles, conjunctions and legal forms; single letters ("l'", "S.A.") go too.
const FILLER_WORDS = new Set([
  'the',
  'of',
  'and',
  'le',
  'la',
  'les',
  'de',
  'du',
  'des',
  'et',
  'el',
  'los',
  'las',
  'del',
  'y',
  'inc',
  'incorporated',
  'ltd',
  'limited',
  'llc',
  'plc',
  'sa',
  'ag',
  'gmbh',
  'co',
  'corp',
  'corporation',
]);

const PHRASE_PATTERN = new RegExp(`(^| )(${FORM_PHRASES.join('|')})(?= |$)`, 'g');

/** The folded name without form words; the folded name itself if nothing else is left. */
export function comparisonKey(name: string): string {
  const folded = foldName(name);
  const key = folded
    .replace(PHRASE_PATTERN, ' ')
    .split(' ')
    .filter((word) => word.length > 1 && !FILLER_WORDS.has(word))
    .join(' ');
  return key === '' ? folded : key;
}

/**
 * LIKE patterns that every donor whose name could be close to `name` matches at least once: the
 * first and last three letters of each word of its key. A typo rarely hits both ends of every
 * word, and the patterns only choose what the exact comparison below then looks at.
 */
export function candidatePatterns(name: string): string[] {
  const words = comparisonKey(name).split(' ');
  const patterns = new Set<string>();
  for (const word of words) {
    if (word.length <= 3) {
      patterns.add(`%${word}%`);
    } else {
      patterns.add(`%${word.slice(0, 3)}%`);
      patterns.add(`%${word.slice(-3)}%`);
    }
  }
  return [...patterns];
}

export interface NamedDonor {
  readonly name: string;
  readonly country: string | null;
}

/**
 * Whether two donors look like the same one. Equal keys always do (whatever the countries, since
 * a donor's country is as easily mistyped as its name). Keys that differ by a typo or two, or by
 * word order, do only when the donors are not known to be of different countries: "Gambia" and
 * "Zambia" are one letter apart and two Member States.
 */
export function isNearDuplicate(a: NamedDonor, b: NamedDonor): boolean {
  const keyA = comparisonKey(a.name);
  const keyB = comparisonKey(b.name);
  if (keyA === keyB) return true;
  if (a.country !== null && b.country !== null && a.country !== b.country) return false;
  if (sortedWords(keyA) === sortedWords(keyB)) return true;
  const shorter = Math.min(keyA.length, keyB.length);
  if (editDistance(keyA, keyB, typosAllowed(shorter)) <= typosAllowed(shorter)) return true;
  return trigramSimilarity(keyA, keyB) >= TRIGRAM_THRESHOLD;
}

/** At or above this share of common trigrams (as pg_trgm computes it), names are close. */
export const TRIGRAM_THRESHOLD = 0.75;

// Short names differ in one letter from many others ("Iran", "Iraq"): allow typos by length.
function typosAllowed(length: number): number {
  if (length <= 5) return 0;
  if (length <= 9) return 1;
  if (length <= 19) return 2;
  return 3;
}

function sortedWords(key: string): string {
  return key.split(' ').sort().join(' ');
}

/**
 * Levenshtein distance, or `limit + 1` as soon as it must exceed `limit` (the lengths alone, or
 * a whole row of the table above it), so that comparing with many candidates stays cheap.
 */
export function editDistance(a: string, b: string, limit = Number.MAX_SAFE_INTEGER): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      rowMin = Math.min(rowMin, current[j]);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length];
}

/** pg_trgm's similarity: shared trigrams of the words padded with two spaces before, one after. */
export function trigramSimilarity(a: string, b: string): number {
  const left = trigrams(a);
  const right = trigrams(b);
  if (left.size === 0 || right.size === 0) return 0;
  let shared = 0;
  for (const trigram of left) if (right.has(trigram)) shared++;
  return shared / (left.size + right.size - shared);
}

function trigrams(text: string): Set<string> {
  const set = new Set<string>();
  for (const word of text.split(' ').filter((w) => w !== '')) {
    const padded = `  ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) set.add(padded.slice(i, i + 3));
  }
  return set;
}
