/**
 * Seed of migration 1764400000000 (ReferenceData): developing-country status.
 *
 * Source chosen: the United Nations M49 standard (UN Statistics Division, "Standard country or
 * area codes for statistical use", unstats.un.org/unsd/methodology/m49/overview), column
 * "Developed / Developing Countries", in its last published form. Why this one:
 *  - it is the UN's own published list, one answer per country or area, with no judgement of
 *    ours in it;
 *  - ITU itself uses it: the ITU DataHub tags each economy with the class "UN M49
 *    Developed-developing";
 *  - the alternatives are worse here: World Bank income groups change every July and are not a
 *    developing/developed list; the UNDP and IMF groupings differ by purpose.
 * UNSD no longer publishes the column: downloads of the M49 overview from 2023 on lack it, while
 * a download made between December 2020 (Vanuatu already off the LDC list) and May 2021
 * still had it. That download (the UNSD CSV as copied in a public repository on 31 May 2021) is
 * what this list was taken from: the ISO alpha-2 codes of the 182 entries marked
 * "Developing". Entries marked "Developed" (Europe, Northern America, Japan, Israel, Cyprus,
 * Australia, New Zealand and their territories) get no row; TW and XK are not in M49 and get
 * none either.
 * Consequences a finance officer should know: the Eastern European states, the Russian
 * Federation, Belarus, Ukraine and the Republic of Moldova are "Developed" in M49, while the
 * Republic of Korea, Singapore, the Gulf states, Türkiye and the Central Asian and Caucasus states
 * are "Developing". A different policy (e.g. ITU's own fellowship list) is recorded through the
 * API as new rows with their source.
 *
 * Dates: M49 gives no start date. Every row starts on DEVELOPING_SEED_VALID_FROM, a convention
 * (earlier than anything this system records: the WSIS process began in 2003), and has no end:
 * the retired classification is the last word until an admin records a change through the API.
 *
 * LDCs: every LDC is also "Developing" in M49. The service treats a current LDC period as
 * developing too, so a country added to the LDC list by an admin is developing without a second
 * row.
 *
 * FROZEN like every seed of a migration.
 */
export const DEVELOPING_SOURCE =
  'UN Statistics Division, M49 standard (unstats.un.org/unsd/methodology/m49/overview), column ' +
  '"Developed / Developing Countries", last published form (download of early 2021; the column ' +
  'was later withdrawn)';

export const DEVELOPING_SEED_VALID_FROM = '2000-01-01';

export const DEVELOPING_SEED_NOTE =
  'Start date is a convention (M49 gives none); the classification was withdrawn from M49 ' +
  'after 2021 and is used as last published.';

// prettier-ignore
export const DEVELOPING_COUNTRIES: readonly string[] = [
  'AE', 'AF', 'AG', 'AI', 'AM', 'AO', 'AR', 'AS', 'AW', 'AZ', 'BB', 'BD', 'BF', 'BH', 'BI',
  'BJ', 'BL', 'BN', 'BO', 'BQ', 'BR', 'BS', 'BT', 'BV', 'BW', 'BZ', 'CD', 'CF', 'CG', 'CI',
  'CK', 'CL', 'CM', 'CN', 'CO', 'CR', 'CU', 'CV', 'CW', 'DJ', 'DM', 'DO', 'DZ', 'EC', 'EG',
  'EH', 'ER', 'ET', 'FJ', 'FK', 'FM', 'GA', 'GD', 'GE', 'GF', 'GH', 'GM', 'GN', 'GP', 'GQ',
  'GS', 'GT', 'GU', 'GW', 'GY', 'HK', 'HN', 'HT', 'ID', 'IN', 'IO', 'IQ', 'IR', 'JM', 'JO',
  'KE', 'KG', 'KH', 'KI', 'KM', 'KN', 'KP', 'KR', 'KW', 'KY', 'KZ', 'LA', 'LB', 'LC', 'LK',
  'LR', 'LS', 'LY', 'MA', 'MF', 'MG', 'MH', 'ML', 'MM', 'MN', 'MO', 'MP', 'MQ', 'MR', 'MS',
  'MU', 'MV', 'MW', 'MX', 'MY', 'MZ', 'NA', 'NC', 'NE', 'NG', 'NI', 'NP', 'NR', 'NU', 'OM',
  'PA', 'PE', 'PF', 'PG', 'PH', 'PK', 'PN', 'PR', 'PS', 'PW', 'PY', 'QA', 'RE', 'RW', 'SA',
  'SB', 'SC', 'SD', 'SG', 'SH', 'SL', 'SN', 'SO', 'SR', 'SS', 'ST', 'SV', 'SX', 'SY', 'SZ',
  'TC', 'TD', 'TF', 'TG', 'TH', 'TJ', 'TK', 'TL', 'TM', 'TN', 'TO', 'TR', 'TT', 'TV', 'TZ',
  'UG', 'UM', 'UY', 'UZ', 'VC', 'VE', 'VG', 'VI', 'VN', 'VU', 'WF', 'WS', 'YE', 'YT', 'ZA',
  'ZM', 'ZW',
];
