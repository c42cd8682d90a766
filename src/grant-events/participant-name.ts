import { foldName } from '../donors/donor-name';

/**
 * A participant's name as stored in participant.normalized_name and compared to find the same
 * person recorded twice: the donors' folding (case, accents, punctuation and spacing ignored)
 * with the words sorted, so that "LOPEZ, Ana María" and "Ana María López" are one name. The
 * donors' comparison key is not used: it drops words ("de", "la", "del") that are part of
 * people's names, and tolerates typos, which for people's names would join different persons.
 */
export function participantNameKey(name: string): string {
  return foldName(name)
    .split(' ')
    .filter((word) => word !== '')
    .sort()
    .join(' ');
}

/** The words to search for in the key: each must occur (in any order), as in the donor search. */
export function searchWords(query: string): string[] {
  return foldName(query)
    .split(' ')
    .filter((word) => word !== '');
}

/** E-mail addresses are compared without case or surrounding spaces. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}
