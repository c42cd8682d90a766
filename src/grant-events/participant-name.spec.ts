import { emailKey, participantNameKey, searchWords } from './participant-name';

describe('participantNameKey', () => {
  it('is the same for a name written in another case, order, spacing or without accents', () => {
    const key = participantNameKey('Ana María López');
    expect(key).toBe('ana lopez maria');
    for (const variant of ['LOPEZ, ana maria', '  ana   MARÍA   lópez ', 'López Ana-María']) {
      expect(participantNameKey(variant)).toBe(key);
    }
  });

  it('keeps every word: particles are part of people’s names', () => {
    expect(participantNameKey('María de la Cruz')).not.toBe(participantNameKey('María Cruz'));
    expect(participantNameKey('Jürgen Groß')).toBe('gross jurgen');
  });
});

describe('searchWords and emailKey', () => {
  it('fold the words searched for and compare e-mails without case', () => {
    expect(searchWords(' LÓPEZ,  maría ')).toEqual(['lopez', 'maria']);
    expect(searchWords('')).toEqual([]);
    expect(emailKey(' Ana.Lopez@Example.ORG ')).toBe('ana.lopez@example.org');
  });
});
