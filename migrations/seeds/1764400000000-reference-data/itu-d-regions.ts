/**
 * Seed of migration 1764400000000 (ReferenceData): the ITU-D (BDT) region of every ITU Member
 * State. FROZEN like every seed of a migration: corrections are made through the API (a new
 * region row with who/when/why) or by a later migration, never by editing this file.
 *
 * There is no package for this. The lists were built by hand from:
 *  - ITU-D "Regional Presence" pages (itu.int/en/ITU-D/Regional-Presence/<region>): six BDT
 *    regions, served by the regional offices in Addis Ababa (Africa), Brasilia (Americas), Cairo
 *    (Arab States), Bangkok (Asia and the Pacific), Moscow (CIS) and Geneva (Europe).
 *  - ITU DataHub's "ITU/BDT Classification" (region codes AFR, AMS, ARB, ASP, CIS, EUR), the
 *    grouping ITU's statistics publish by.
 *  - ITU press release of 19 September 2024: Palau became the 194th Member State, in the Asia
 *    and Pacific region. ITU has 194 Member States since then (the 193 UN Member States and the
 *    Holy See), so this file has 194 entries: 44 + 35 + 21 + 39 + 9 + 46.
 *
 * Checks and doubts, recorded so that a reader can challenge them:
 *  - Arab States = the 21 League of Arab States members that are ITU Member States. The ten in
 *    Africa (Algeria, Comoros, Djibouti, Egypt, Libya, Mauritania, Morocco, Somalia, Sudan,
 *    Tunisia) are in Arab States, not Africa, as the ITU-D Arab States pages list them; Africa
 *    is the other 44 African Union members.
 *  - Palestine is not an ITU Member State (it takes part under PP Resolution 99) but ITU-D's
 *    Arab States office works with it: it is seeded in Arab States with itu_member = false.
 *  - CIS vs Europe is the doubtful border. We put in CIS the nine states that present themselves
 *    to ITU as the CIS region (Council 2017 document C17/98, "Strengthening ITU's regional
 *    presence in the CIS region", submitted by Armenia, Azerbaijan, Belarus, Kazakhstan,
 *    Kyrgyzstan, the Russian Federation, Tajikistan, Turkmenistan and Uzbekistan), and Georgia,
 *    the Republic of Moldova and Ukraine in Europe. This matches the BDT Director's count of
 *    "the 46 countries of the European region" (Regional Development Forum for Europe, 26 May
 *    2020): 43 + Georgia + Moldova + Ukraine = 46; and ITU's statistics, which already left
 *    Georgia out of the CIS region in the 2013 ICT Development Index (reported November 2014).
 *    Doubt: Moldova and Ukraine still attend some CIS (RCC) regional events, and the brief that
 *    asked for this file listed Moldova under CIS. If BDT confirms otherwise, record the change
 *    through the API (POST /api/v1/countries/MD/regions) with its source.
 *  - Israel, Türkiye and Cyprus are in Europe (ITU-D Europe region), not in Asia-Pacific or
 *    Arab States. Iran and Mongolia are in Asia-Pacific.
 */
export const ITU_D_REGION_SOURCE =
  'ITU-D Regional Presence pages (itu.int/en/ITU-D/Regional-Presence), ITU/BDT regional ' +
  'classification (ITU DataHub), ITU Council document C17/98 (CIS), ITU press release of ' +
  '19 September 2024 (Palau); checked November 2026. Checks and doubts: ' +
  'migrations/seeds/1764400000000-reference-data/itu-d-regions.ts';

export type SeedRegion = 'Africa' | 'Americas' | 'Arab States' | 'Asia-Pacific' | 'CIS' | 'Europe';

/** ITU Member States by ITU-D region, ISO 3166-1 alpha-2. */
export const ITU_MEMBER_STATES_BY_REGION: Readonly<Record<SeedRegion, readonly string[]>> = {
  // prettier-ignore
  Africa: [
    'AO', 'BJ', 'BW', 'BF', 'BI', 'CM', 'CV', 'CF', 'TD', 'CG', 'CD', 'CI', 'GQ', 'ER', 'SZ',
    'ET', 'GA', 'GM', 'GH', 'GN', 'GW', 'KE', 'LS', 'LR', 'MG', 'MW', 'ML', 'MU', 'MZ', 'NA',
    'NE', 'NG', 'RW', 'ST', 'SN', 'SC', 'SL', 'ZA', 'SS', 'TZ', 'TG', 'UG', 'ZM', 'ZW',
  ],
  // prettier-ignore
  Americas: [
    'AG', 'AR', 'BS', 'BB', 'BZ', 'BO', 'BR', 'CA', 'CL', 'CO', 'CR', 'CU', 'DM', 'DO', 'EC',
    'SV', 'GD', 'GT', 'GY', 'HT', 'HN', 'JM', 'MX', 'NI', 'PA', 'PY', 'PE', 'KN', 'LC', 'VC',
    'SR', 'TT', 'US', 'UY', 'VE',
  ],
  // prettier-ignore
  'Arab States': [
    'DZ', 'BH', 'KM', 'DJ', 'EG', 'IQ', 'JO', 'KW', 'LB', 'LY', 'MR', 'MA', 'OM', 'QA', 'SA',
    'SO', 'SD', 'SY', 'TN', 'AE', 'YE',
  ],
  // prettier-ignore
  'Asia-Pacific': [
    'AF', 'AU', 'BD', 'BT', 'BN', 'KH', 'CN', 'KP', 'FJ', 'IN', 'ID', 'IR', 'JP', 'KI', 'KR',
    'LA', 'MY', 'MV', 'MH', 'FM', 'MN', 'MM', 'NR', 'NP', 'NZ', 'PK', 'PW', 'PG', 'PH', 'WS',
    'SG', 'SB', 'LK', 'TH', 'TL', 'TO', 'TV', 'VU', 'VN',
  ],
  // prettier-ignore
  CIS: ['AM', 'AZ', 'BY', 'KZ', 'KG', 'RU', 'TJ', 'TM', 'UZ'],
  // prettier-ignore
  Europe: [
    'AL', 'AD', 'AT', 'BE', 'BA', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'GE', 'DE',
    'GR', 'HU', 'IS', 'IE', 'IL', 'IT', 'LV', 'LI', 'LT', 'LU', 'MT', 'MD', 'MC', 'ME', 'NL',
    'MK', 'NO', 'PL', 'PT', 'RO', 'SM', 'RS', 'SK', 'SI', 'ES', 'SE', 'CH', 'TR', 'UA', 'GB',
    'VA',
  ],
};

/** Entries that ITU-D serves in a region without being ITU Member States. */
export const NON_MEMBER_REGIONS: Readonly<Record<string, { region: SeedRegion; note: string }>> = {
  PS: {
    region: 'Arab States',
    note: 'State of Palestine: not an ITU Member State; takes part under PP Resolution 99 and is served by the ITU-D Arab States office.',
  },
};

/**
 * The seed gives no region a start date (ITU-D's regional structure is older than any record this
 * system keeps): every seeded region row starts on this date, as do the developing-country rows.
 */
export const REGION_SEED_VALID_FROM = '2000-01-01';
