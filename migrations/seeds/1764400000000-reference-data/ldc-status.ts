/**
 * Seed of migration 1764400000000 (ReferenceData): UN least developed country (LDC) status as
 * effective-dated periods [validFrom, validTo): a country is an LDC from validFrom (inclusive)
 * until validTo (exclusive: the graduation date is the first day it is no longer an LDC);
 * validTo null means that no graduation date has been decided.
 *
 * FROZEN like every seed of a migration. Scheduled dates change (deferrals): an admin records
 * the change through the API as a new row that supersedes the seeded one, with who/when/why.
 *
 * Sources (checked November 2026):
 *  - Inclusion years: UN DESA, Committee for Development Policy (CDP) secretariat, "Creation of
 *    the LDC category and timeline of changes to LDC membership and criteria"
 *    (policy.desa.un.org). It gives years only. The first list has a precise date (General
 *    Assembly resolution 2768 (XXVI) of 18 November 1971); for later inclusions no precise date
 *    was established and the first day of the inclusion year is used, as each such row says.
 *  - Graduation dates: the General Assembly resolutions and UN DESA / UN-OHRLLS announcements
 *    named on each row.
 *  - Count check: 44 LDCs as of December 2024, after São Tomé and Príncipe (13 December 2024).
 */
export interface LdcSeedRow {
  readonly country: string;
  readonly validFrom: string;
  readonly validTo: string | null;
  readonly source: string;
  readonly note: string | null;
}

const TIMELINE =
  'UN DESA CDP secretariat, "Creation of the LDC category and timeline of changes to LDC ' +
  'membership and criteria" (policy.desa.un.org)';
const FIRST_LIST = 'UN General Assembly resolution 2768 (XXVI) of 18 November 1971 (first list)';
const YEAR_ONLY =
  'Inclusion year from the UN DESA timeline; precise date not established, first day of the ' +
  'year used.';
const RES_76_8 =
  'UN General Assembly resolution 76/8 of 24 November 2021 (draft A/76/L.6/Rev.1): graduation ' +
  'after an exceptional five-year preparatory period, on 24 November 2026';
const RES_73_133 = 'UN General Assembly resolution 73/133 of 13 December 2018';
const RES_79_230 =
  'UN General Assembly resolution 79/230 of 19 December 2024 (Cambodia and Senegal, exceptional ' +
  'five-year preparatory period)';

/** On the first list (18 November 1971). */
function listed1971(country: string, validTo: string | null, source: string, note: string | null) {
  return { country, validFrom: '1971-11-18', validTo, source: `${FIRST_LIST}; ${source}`, note };
}

/** Added later: the sources give the year only. */
function added(
  country: string,
  year: number,
  validTo: string | null,
  source: string,
  note?: string,
): LdcSeedRow {
  return {
    country,
    validFrom: `${year}-01-01`,
    validTo,
    source: `${TIMELINE}; ${source}`,
    note: note === undefined ? YEAR_ONLY : `${YEAR_ONLY} ${note}`,
  };
}

const ON_LIST = 'on the list in December 2024';

export const LDC_SEED_ROWS: readonly LdcSeedRow[] = [
  // The 44 LDCs of December 2024.
  listed1971('AF', null, ON_LIST, null),
  listed1971('BJ', null, ON_LIST, 'Listed in 1971 as Dahomey.'),
  listed1971('BF', null, ON_LIST, 'Listed in 1971 as Upper Volta.'),
  listed1971('BI', null, ON_LIST, null),
  listed1971('TD', null, ON_LIST, null),
  listed1971('ET', null, ON_LIST, null),
  listed1971('GN', null, ON_LIST, null),
  listed1971('HT', null, ON_LIST, null),
  listed1971('LA', '2026-11-24', RES_76_8, 'Scheduled graduation.'),
  listed1971('LS', null, ON_LIST, null),
  listed1971('MW', null, ON_LIST, null),
  listed1971('ML', null, ON_LIST, null),
  listed1971(
    'NP',
    '2026-11-24',
    RES_76_8,
    'Scheduled graduation. In 2025-2026 the Government of Nepal said it would ask for a ' +
      'deferral; no General Assembly decision on it was found when this seed was written.',
  ),
  listed1971('NE', null, ON_LIST, null),
  listed1971('RW', null, ON_LIST, null),
  listed1971('SO', null, ON_LIST, null),
  listed1971('SD', null, ON_LIST, null),
  listed1971('UG', null, ON_LIST, null),
  listed1971('TZ', null, ON_LIST, null),
  listed1971('YE', null, ON_LIST, null),
  added(
    'BD',
    1975,
    '2026-11-24',
    RES_76_8,
    'Scheduled graduation. On 18 February 2026 Bangladesh asked for the preparatory period to be ' +
      'extended to 24 November 2029 and the CDP supported the request (June 2026); the General ' +
      'Assembly decision was not found when this seed was written.',
  ),
  added('CF', 1975, null, ON_LIST),
  added('GM', 1975, null, ON_LIST),
  added('KM', 1977, null, ON_LIST),
  added('GW', 1981, null, ON_LIST),
  added('DJ', 1982, null, ON_LIST),
  added('SL', 1982, null, ON_LIST),
  added('TG', 1982, null, ON_LIST),
  added('KI', 1986, null, ON_LIST),
  added('MR', 1986, null, ON_LIST),
  added('TV', 1986, null, ON_LIST),
  added('MM', 1987, null, ON_LIST),
  added('MZ', 1988, null, ON_LIST),
  added('LR', 1990, null, ON_LIST),
  added(
    'KH',
    1991,
    '2029-12-19',
    RES_79_230,
    'Scheduled graduation on 19 December 2029 (five years after the resolution, as reported by ' +
      'the Phnom Penh Post); check the day against the text of A/RES/79/230.',
  ),
  added('CD', 1991, null, ON_LIST),
  added('MG', 1991, null, ON_LIST),
  added(
    'SB',
    1991,
    '2027-12-13',
    `${RES_73_133} (graduation on 13 December 2024) and General Assembly resolution of 25 August ` +
      '2023 granting a further three-year preparatory period',
    'Scheduled graduation: 13 December 2024 + 3 years (the UN DESA timeline lists 2027).',
  ),
  added('ZM', 1991, null, ON_LIST),
  added(
    'AO',
    1994,
    null,
    'General Assembly resolution 70/253 (graduation on 12 February 2021), resolution of 11 ' +
      'February 2021 (extended to 12 February 2024) and resolution of 18 December 2023 ' +
      '(A/78/L.29: graduation deferred to a later date)',
    'No graduation date since the deferral of December 2023.',
  ),
  added('ER', 1994, null, ON_LIST),
  added(
    'SN',
    2000,
    '2029-12-19',
    RES_79_230,
    'Scheduled graduation on 19 December 2029 (five years after the resolution); check the day ' +
      'against the text of A/RES/79/230.',
  ),
  added('TL', 2003, null, ON_LIST),
  added('SS', 2012, null, ON_LIST),

  // Graduated: closed periods.
  listed1971(
    'BW',
    '1994-12-01',
    'graduated in December 1994 (UN DESA timeline; UNCTAD Least Developed Countries Report 2016)',
    'Graduation month from the sources; day not established, first day of the month used.',
  ),
  listed1971(
    'MV',
    '2011-01-01',
    'graduated on 1 January 2011, postponed after the 2004 tsunami (General Assembly resolution ' +
      '60/33; UNCTAD Least Developed Countries Report 2016)',
    null,
  ),
  listed1971('WS', '2014-01-01', 'graduated on 1 January 2014 (UN-OHRLLS; UNCTAD)', null),
  listed1971('BT', '2023-12-13', `${RES_73_133}: graduation on 13 December 2023`, null),
  added(
    'CV',
    1977,
    '2007-12-20',
    'General Assembly resolution 59/210 of 20 December 2004: graduation three years later, in ' +
      'December 2007 (UNCTAD Least Developed Countries Report 2016)',
  ),
  added(
    'GQ',
    1982,
    '2017-06-04',
    'graduated on 4 June 2017 (UN-OHRLLS; General Assembly resolution 68/18 of 4 December 2013)',
  ),
  added(
    'ST',
    1982,
    '2024-12-13',
    `${RES_73_133}: graduation on 13 December 2024 (after an extra three-year preparatory period)`,
  ),
  added(
    'VU',
    1985,
    '2020-12-04',
    'graduated on 4 December 2020, postponed three years after Cyclone Pam (UN DESA; General ' +
      'Assembly resolution 75/128)',
  ),
];
