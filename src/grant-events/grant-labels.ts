import { EligibilityRule, GrantKind, GrantStatus } from './dto/grant-event.dto';
import { Gender, StakeholderGroup } from './dto/participant.dto';

/** How the pages name the values of events, grants and participants. */
export const ELIGIBILITY_RULE_LABELS: Record<EligibilityRule, string> = {
  'ldc-only': 'LDCs only',
  'ldc-and-developing': 'LDCs and developing countries',
  'ldc-first': 'LDCs and developing countries, LDCs first',
};

export const GRANT_KIND_LABELS: Record<GrantKind, string> = {
  full: 'Full (ticket and allowance)',
  'partial-ticket': 'Partial: air ticket',
  'partial-allowance': 'Partial: daily allowance',
  remote: 'Remote participation',
};

export const GRANT_STATUS_LABELS: Record<GrantStatus, string> = {
  requested: 'Requested',
  approved: 'Approved',
  disbursed: 'Disbursed',
  settled: 'Settled',
  cancelled: 'Cancelled',
};

export const GENDER_LABELS: Record<Gender, string> = {
  female: 'Female',
  male: 'Male',
  'non-binary': 'Non-binary',
  'not-disclosed': 'Not disclosed',
};

export const STAKEHOLDER_GROUP_LABELS: Record<StakeholderGroup, string> = {
  government: 'Government',
  'private-sector': 'Private sector',
  'civil-society': 'Civil society',
  academia: 'Academia',
  'technical-community': 'Technical community',
  'international-organization': 'International organisation',
};
