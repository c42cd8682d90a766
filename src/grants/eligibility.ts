import { CalendarDate } from '../common/calendar-date';

export const GRANT_KINDS = ['full', 'partial-ticket', 'partial-allowance', 'remote'] as const;
export type GrantKind = (typeof GRANT_KINDS)[number];

export const ELIGIBILITY_RULES = ['ldc-only', 'ldc-and-developing', 'ldc-first'] as const;
export type EligibilityRule = (typeof ELIGIBILITY_RULES)[number];

export interface Offers {
  full: boolean;
  partialTicket: boolean;
  partialAllowance: boolean;
  remote: boolean;
}

export interface EligibilityInput {
  rule: EligibilityRule;
  offers: Offers;
  kind: GrantKind;
  country: string;
  decisionDate: CalendarDate;
  status: { ldc: boolean; developing: boolean };
  /** Kinds of the other live (not cancelled) grants of the event for the same country. */
  countryGrants: readonly GrantKind[];
  /** Kinds of the other live grants of the same person decided in the same financial year. */
  personGrants: readonly GrantKind[];
}

export interface FailedRule {
  rule: string;
  reason: string;
}

export interface Eligibility {
  eligible: boolean;
  countryStatus: 'ldc' | 'developing' | 'other';
  /** Under 'ldc-first', LDCs are served first: 1 for an LDC, 2 for another developing country. */
  priority: 1 | 2;
  failed: FailedRule[];
}

const OFFERED: Record<GrantKind, keyof Offers> = {
  full: 'full',
  'partial-ticket': 'partialTicket',
  'partial-allowance': 'partialAllowance',
  remote: 'remote',
};

/**
 * Whether a grant may be given, as of its decision date, and every rule it fails:
 * - the event offers that kind of grant;
 * - the participant's country has the status the event's rule asks for on that date (LDC only;
 *   LDC or developing; or LDC or developing with LDCs served first);
 * - per event and country: one full grant, or two partial ones of which one is the ticket;
 * - per person and financial year (the calendar year): one full grant, or two partial ones.
 * Remote participation grants count against neither limit: they pay no travel.
 */
export function decideEligibility(input: EligibilityInput): Eligibility {
  const failed: FailedRule[] = [];
  const { status, country, decisionDate } = input;
  const countryStatus = status.ldc ? 'ldc' : status.developing ? 'developing' : 'other';
  if (!input.offers[OFFERED[input.kind]]) {
    failed.push({ rule: 'kindOffered', reason: `the event does not offer ${input.kind} grants` });
  }
  if (input.rule === 'ldc-only' && !status.ldc) {
    failed.push({
      rule: 'countryStatus',
      reason: `${country} is not a Least Developed Country on ${decisionDate}; the event funds LDCs only`,
    });
  } else if (input.rule !== 'ldc-only' && !status.developing) {
    failed.push({
      rule: 'countryStatus',
      reason: `${country} is neither an LDC nor a developing country on ${decisionDate}`,
    });
  }
  if (input.kind !== 'remote') {
    const perCountry = travelLimit(input.kind, input.countryGrants);
    if (perCountry !== undefined) {
      failed.push({
        rule: 'perCountryPerEvent',
        reason: `${country} already has ${perCountry} for this event: one full or two partial grants (one of them the ticket) per country and event`,
      });
    }
    const perPerson = travelLimit(input.kind, input.personGrants, false);
    if (perPerson !== undefined) {
      failed.push({
        rule: 'perPersonPerYear',
        reason: `the participant already has ${perPerson} in ${decisionDate.slice(0, 4)}: one full or two partial grants per person and financial year`,
      });
    }
  }
  return { eligible: failed.length === 0, countryStatus, priority: status.ldc ? 1 : 2, failed };
}

/** What already stands in the way of one more travel grant of `kind`, if anything. */
function travelLimit(
  kind: GrantKind,
  existing: readonly GrantKind[],
  oneIsTicket = true,
): string | undefined {
  const travel = existing.filter((other) => other !== 'remote');
  const full = travel.filter((other) => other === 'full').length;
  const partial = travel.length - full;
  if (full > 0) return 'a full grant';
  if (kind === 'full' && partial > 0) return `${partial} partial grant${partial > 1 ? 's' : ''}`;
  if (partial >= 2) return 'two partial grants';
  if (
    oneIsTicket &&
    partial === 1 &&
    kind === 'partial-allowance' &&
    travel[0] === 'partial-allowance'
  ) {
    return 'a partial grant for the allowance (of two partial grants, one covers the air ticket)';
  }
  return undefined;
}
