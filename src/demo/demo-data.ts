import type { Role } from '../auth/roles';
import type { DonorType, StatementLanguage } from '../donors/dto/donor.dto';
import type { EligibilityRule, GrantKind } from '../grant-events/dto/grant-event.dto';
import type { Gender, StakeholderGroup } from '../grant-events/dto/participant.dto';

/**
 * The demo of the WSIS Trust Fund that `npm run cli -- demo:load` records, through the
 * application's own services, on an empty database: fixed data and fixed dates (all before
 * 2026-11-28), nothing random but the users' password. Donors, companies, foundations and people
 * other than governments are fictional. Amounts are decimal strings in the currency named beside
 * them; `{ref}` in a text stands for the reference the pledge is given when it is recorded.
 */

export type DemoCurrency = 'CHF' | 'USD' | 'EUR';
export type DemoEarmark = 'UNEARMARKED' | 'PARTICIPATION-GRANTS' | 'WSIS20-REVIEW';
export type DemoBankAccount = 'UBS-CHF' | 'UBS-USD' | 'UBS-EUR';

export const DEMO_FUND = 'WSIS-TF';

export interface DemoUser {
  username: string;
  displayName: string;
  role: Role;
}

/** One user per role; the donor user sees the Swiss Confederation's records only. */
export const DEMO_USERS: readonly DemoUser[] = [
  { username: 'admin', displayName: 'Marc Favre', role: 'admin' },
  { username: 'officer', displayName: 'Amina Diallo', role: 'finance_officer' },
  { username: 'approver', displayName: 'Kenji Sato', role: 'approver' },
  { username: 'manager', displayName: 'Elena Petrova', role: 'management' },
  { username: 'auditor', displayName: 'Lucía Fernández', role: 'auditor' },
  { username: 'donor', displayName: 'Claire Rochat (OFCOM)', role: 'donor' },
];

/** The donor the demo's donor user is linked to. */
export const DEMO_DONOR_USER_DONOR = 'ch';

/**
 * UN operational rates, units per 1 USD, in force from the first of each month (plausible
 * figures, not the published ones).
 */
// prettier-ignore
const CHF_PER_USD: Record<number, readonly string[]> = {
  2024: ['0.851', '0.862', '0.878', '0.901', '0.912', '0.897', '0.893', '0.878', '0.851', '0.846', '0.864', '0.884'],
  2025: ['0.906', '0.911', '0.899', '0.881', '0.826', '0.831', '0.797', '0.806', '0.804', '0.797', '0.802', '0.806'],
  2026: ['0.795', '0.790', '0.788', '0.792', '0.799', '0.805', '0.801', '0.798', '0.796', '0.800', '0.803'],
};
// prettier-ignore
const EUR_PER_USD: Record<number, readonly string[]> = {
  2024: ['0.915', '0.927', '0.925', '0.920', '0.934', '0.922', '0.931', '0.924', '0.904', '0.897', '0.919', '0.949'],
  2025: ['0.962', '0.963', '0.960', '0.925', '0.881', '0.884', '0.856', '0.861', '0.855', '0.852', '0.860', '0.866'],
  2026: ['0.858', '0.851', '0.847', '0.852', '0.856', '0.860', '0.857', '0.853', '0.850', '0.858', '0.862'],
};

/** The rates as the UN's monthly file would give them, for the CSV import. */
export function demoRatesCsv(): string {
  const rows = ['currency,effective_from,units_per_usd'];
  for (const [currency, table] of [
    ['CHF', CHF_PER_USD],
    ['EUR', EUR_PER_USD],
  ] as const) {
    for (const [year, months] of Object.entries(table)) {
      months.forEach((rate, index) => {
        rows.push(`${currency},${year}-${String(index + 1).padStart(2, '0')}-01,${rate}`);
      });
    }
  }
  return `${rows.join('\n')}\n`;
}

export interface DemoBankAccountSpec {
  code: DemoBankAccount;
  name: string;
  bankName: string;
  accountNumber: string;
  bic: string;
  currency: DemoCurrency;
}

export const DEMO_BANK_ACCOUNTS: readonly DemoBankAccountSpec[] = [
  {
    code: 'UBS-CHF',
    name: 'WSIS TF operating account',
    bankName: 'UBS Switzerland AG',
    accountNumber: 'CH93 0076 2011 6238 5295 7',
    bic: 'UBSWCHZH80A',
    currency: 'CHF',
  },
  {
    code: 'UBS-USD',
    name: 'WSIS TF US dollar account',
    bankName: 'UBS Switzerland AG',
    accountNumber: 'CH78 0023 0240 1234 5678 U',
    bic: 'UBSWCHZH80A',
    currency: 'USD',
  },
  {
    code: 'UBS-EUR',
    name: 'WSIS TF euro account',
    bankName: 'UBS Switzerland AG',
    accountNumber: 'CH25 0023 0240 1234 5678 E',
    bic: 'UBSWCHZH80A',
    currency: 'EUR',
  },
];

export interface DemoDonor {
  key: string;
  name: string;
  type: DonorType;
  country: string;
  language: StatementLanguage;
  currency: DemoCurrency;
  contact?: { name: string; role: string; email: string };
}

const donor = (
  key: string,
  name: string,
  type: DonorType,
  country: string,
  language: StatementLanguage,
  currency: DemoCurrency,
  contact?: DemoDonor['contact'],
): DemoDonor => ({ key, name, type, country, language, currency, contact });

/** 41 donors of every type the schema knows, writing to the fund in the six UN languages. */
export const DEMO_DONORS: readonly DemoDonor[] = [
  donor('ch', 'Swiss Confederation', 'member_state', 'CH', 'fr', 'CHF', {
    name: 'Claire Rochat',
    role: 'Affaires internationales, OFCOM',
    email: 'claire.rochat@ofcom.example',
  }),
  donor('jp', 'Government of Japan', 'member_state', 'JP', 'en', 'USD', {
    name: 'Haruto Tanaka',
    role: 'International Affairs Division, MIC',
    email: 'h.tanaka@mic.example',
  }),
  donor('sa', 'Kingdom of Saudi Arabia', 'member_state', 'SA', 'ar', 'USD'),
  donor('kw', 'State of Kuwait', 'member_state', 'KW', 'ar', 'USD'),
  donor('rw', 'Republic of Rwanda', 'member_state', 'RW', 'en', 'USD'),
  donor('ae', 'United Arab Emirates', 'member_state', 'AE', 'ar', 'USD'),
  donor('qa', 'State of Qatar', 'member_state', 'QA', 'ar', 'USD'),
  donor('om', 'Sultanate of Oman', 'member_state', 'OM', 'ar', 'USD'),
  donor('de', 'Federal Republic of Germany', 'member_state', 'DE', 'en', 'EUR', {
    name: 'Katrin Vogel',
    role: 'Referat für internationale Digitalpolitik',
    email: 'k.vogel@bmdv.example',
  }),
  donor('fr', 'French Republic', 'member_state', 'FR', 'fr', 'EUR'),
  donor('es', 'Kingdom of Spain', 'member_state', 'ES', 'es', 'EUR'),
  donor('pl', 'Republic of Poland', 'member_state', 'PL', 'en', 'EUR'),
  donor('cn', "People's Republic of China", 'member_state', 'CN', 'zh', 'USD'),
  donor('kz', 'Republic of Kazakhstan', 'member_state', 'KZ', 'ru', 'USD'),
  donor('mx', 'United Mexican States', 'member_state', 'MX', 'es', 'USD'),
  donor('ci', "Republic of Côte d'Ivoire", 'member_state', 'CI', 'fr', 'EUR'),
  donor('cr', 'Republic of Costa Rica', 'member_state', 'CR', 'es', 'USD'),
  donor('alpen', 'Alpenlink Communications AG', 'sector_member', 'CH', 'en', 'CHF'),
  donor('nordwave', 'Nordwave Networks Oy', 'sector_member', 'FI', 'en', 'EUR'),
  donor('sahel', 'Sahel Mobile S.A.', 'sector_member', 'SN', 'fr', 'EUR'),
  donor('lianhe', 'Lianhe Digital Technology Co., Ltd.', 'sector_member', 'CN', 'zh', 'USD'),
  donor('meridian', 'Meridian Satellite Services Ltd', 'sector_member', 'GB', 'en', 'USD'),
  donor('andes', 'Andes Conecta S.A.', 'sector_member', 'PE', 'es', 'USD'),
  donor('pacifica', 'Pacifica Data Systems Inc.', 'private_sector', 'US', 'en', 'USD'),
  donor('cedar', 'Cedar Cloud Solutions SAL', 'private_sector', 'LB', 'ar', 'USD'),
  donor('baltic', 'Baltic Fibre Networks UAB', 'private_sector', 'LT', 'en', 'EUR'),
  donor('lemanic', 'Banque Lémanique SA', 'private_sector', 'CH', 'fr', 'CHF'),
  donor('kilimanjaro', 'Kilimanjaro Mobile Money Ltd', 'private_sector', 'TZ', 'en', 'USD'),
  donor('spectrum', 'Global Spectrum Associates LLC', 'associate', 'US', 'en', 'USD'),
  donor('geneve', 'Fondation Genève Numérique', 'foundation', 'CH', 'fr', 'CHF', {
    name: 'Isabelle Morand',
    role: 'Secrétaire générale',
    email: 'isabelle.morand@fgn.example',
  }),
  donor('airwaves', 'Open Airwaves Foundation', 'foundation', 'US', 'en', 'USD'),
  donor('teilhabe', 'Stiftung Digitale Teilhabe', 'foundation', 'DE', 'en', 'EUR'),
  donor('mekong', 'Mekong Digital Futures Foundation', 'foundation', 'TH', 'en', 'USD'),
  donor(
    'lausanne',
    'Institut universitaire de gouvernance numérique',
    'academia',
    'CH',
    'fr',
    'CHF',
  ),
  donor('pacifico', 'Universidad Tecnológica del Pacífico', 'academia', 'CO', 'es', 'USD'),
  donor('nairobi', 'Nairobi Institute of Information Technology', 'academia', 'KE', 'en', 'USD'),
  donor('africa', 'Pan-African Digital Inclusion Facility', 'intergovernmental', 'ET', 'en', 'USD'),
  donor(
    'arab',
    'Arab Regional Centre for Digital Cooperation',
    'intergovernmental',
    'EG',
    'ar',
    'USD',
  ),
  donor(
    'pacific',
    'Pacific Islands Connectivity Secretariat',
    'intergovernmental',
    'FJ',
    'en',
    'USD',
  ),
  donor('okafor', 'Dr Amara Okafor', 'other', 'NG', 'en', 'USD'),
  donor('dufour', 'Estate of the late Henri Dufour', 'other', 'CH', 'fr', 'CHF'),
];

export interface DemoPledge {
  key: string;
  donor: string;
  earmark: DemoEarmark;
  currency: DemoCurrency;
  amount: string;
  announcedOn: string;
  /** Due date and amount of each instalment, summing to the amount. */
  instalments: ReadonlyArray<readonly [string, string]>;
  /** Absent: announced only (a memo, off the ledger). */
  agreement?: { on: string; documentRef: string; conditional?: boolean; conditionsMetOn?: string };
}

const U = 'UNEARMARKED';
const P = 'PARTICIPATION-GRANTS';
const W = 'WSIS20-REVIEW';

/**
 * Multi-year pledges from 2024 to 2026: most paid, some in part, some overdue, a few announced
 * only. Recorded in the order of their announcement, so that references follow the calendar.
 * Pledges of one donor that recur never repeat an amount, so that each bank line's reference
 * and amount name one receipt only.
 */
// prettier-ignore
export const DEMO_PLEDGES: readonly DemoPledge[] = [
  { key: 'ch-2024', donor: 'ch', earmark: P, currency: 'CHF', amount: '100000.00', announcedOn: '2024-02-12', instalments: [['2024-06-30', '100000.00']], agreement: { on: '2024-03-05', documentRef: 'OFCOM/ITU-WSIS/2024' } },
  { key: 'alpen-2024', donor: 'alpen', earmark: U, currency: 'CHF', amount: '50000.00', announcedOn: '2024-01-22', instalments: [['2024-03-31', '50000.00']], agreement: { on: '2024-02-15', documentRef: 'ALP-ITU-2024-01' } },
  { key: 'de-2024', donor: 'de', earmark: U, currency: 'EUR', amount: '300000.00', announcedOn: '2024-01-25', instalments: [['2024-06-30', '100000.00'], ['2025-06-30', '100000.00'], ['2026-06-30', '100000.00']], agreement: { on: '2024-02-28', documentRef: 'BMDV-ITU-2024/03' } },
  { key: 'kilimanjaro-2024', donor: 'kilimanjaro', earmark: U, currency: 'USD', amount: '18000.00', announcedOn: '2024-02-01', instalments: [['2024-06-30', '9000.00'], ['2024-12-31', '9000.00']], agreement: { on: '2024-03-01', documentRef: 'KMM/WSIS/2024' } },
  { key: 'jp-2024', donor: 'jp', earmark: U, currency: 'USD', amount: '400000.00', announcedOn: '2024-03-01', instalments: [['2024-09-30', '100000.00'], ['2025-09-30', '100000.00'], ['2026-09-30', '100000.00'], ['2027-09-30', '100000.00']], agreement: { on: '2024-04-10', documentRef: 'MIC-ITU/2024/WSIS-TF' } },
  { key: 'kw-2024', donor: 'kw', earmark: U, currency: 'USD', amount: '100000.00', announcedOn: '2024-04-20', instalments: [['2024-12-31', '100000.00']], agreement: { on: '2024-05-15', documentRef: 'KW-MOFA/ITU/2024' } },
  { key: 'cn-2024', donor: 'cn', earmark: U, currency: 'USD', amount: '300000.00', announcedOn: '2024-05-20', instalments: [['2024-12-31', '100000.00'], ['2025-12-31', '100000.00'], ['2026-12-31', '100000.00']], agreement: { on: '2024-06-25', documentRef: 'MIIT-ITU-2024-07' } },
  { key: 'andes-2024', donor: 'andes', earmark: P, currency: 'USD', amount: '15000.00', announcedOn: '2024-06-01', instalments: [['2024-10-31', '15000.00']], agreement: { on: '2024-07-01', documentRef: 'AC-2024-118' } },
  { key: 'om-2024', donor: 'om', earmark: U, currency: 'USD', amount: '50000.00', announcedOn: '2024-07-01', instalments: [['2024-12-31', '25000.00'], ['2025-12-31', '25000.00']], agreement: { on: '2024-08-15', documentRef: 'OM-TRA/ITU/2024' } },
  { key: 'teilhabe-2024', donor: 'teilhabe', earmark: P, currency: 'EUR', amount: '40000.00', announcedOn: '2024-10-01', instalments: [['2024-12-31', '20000.00'], ['2025-12-31', '20000.00']], agreement: { on: '2024-11-01', documentRef: 'SDT-2024-ITU' } },
  { key: 'geneve-2025', donor: 'geneve', earmark: P, currency: 'CHF', amount: '100000.00', announcedOn: '2025-01-10', instalments: [['2025-03-31', '30000.00'], ['2025-09-30', '25000.00'], ['2026-03-31', '24000.00'], ['2026-09-30', '21000.00']], agreement: { on: '2025-02-05', documentRef: 'FGN-2025-ITU' } },
  { key: 'alpen-2025', donor: 'alpen', earmark: U, currency: 'CHF', amount: '55000.00', announcedOn: '2025-01-20', instalments: [['2025-03-31', '55000.00']], agreement: { on: '2025-02-12', documentRef: 'ALP-ITU-2025-01' } },
  { key: 'pacifica-2025', donor: 'pacifica', earmark: U, currency: 'USD', amount: '60000.00', announcedOn: '2025-01-20', instalments: [['2025-03-31', '20000.00'], ['2025-09-30', '20000.00'], ['2026-03-31', '20000.00']], agreement: { on: '2025-02-25', documentRef: 'PDS-ITU-2025' } },
  { key: 'ch-2025', donor: 'ch', earmark: P, currency: 'CHF', amount: '110000.00', announcedOn: '2025-02-10', instalments: [['2025-06-30', '110000.00']], agreement: { on: '2025-03-04', documentRef: 'OFCOM/ITU-WSIS/2025' } },
  { key: 'rw-2025', donor: 'rw', earmark: P, currency: 'USD', amount: '20000.00', announcedOn: '2025-02-14', instalments: [['2025-12-31', '10000.00'], ['2026-06-30', '10000.00']], agreement: { on: '2025-03-20', documentRef: 'MINICT/ITU/2025/04' } },
  { key: 'ae-2025', donor: 'ae', earmark: W, currency: 'USD', amount: '150000.00', announcedOn: '2025-03-01', instalments: [['2025-06-30', '150000.00']], agreement: { on: '2025-03-30', documentRef: 'TDRA-ITU-WSIS20' } },
  { key: 'lausanne-2025', donor: 'lausanne', earmark: W, currency: 'CHF', amount: '10000.00', announcedOn: '2025-03-01', instalments: [['2025-06-30', '10000.00']], agreement: { on: '2025-03-20', documentRef: 'IUGN-2025-07' } },
  { key: 'nordwave-2025', donor: 'nordwave', earmark: P, currency: 'EUR', amount: '30000.00', announcedOn: '2025-04-15', instalments: [['2025-09-30', '30000.00']], agreement: { on: '2025-05-20', documentRef: 'NWN-ITU-2025' } },
  { key: 'africa-2025', donor: 'africa', earmark: P, currency: 'USD', amount: '90000.00', announcedOn: '2025-05-01', instalments: [['2025-06-30', '30000.00'], ['2025-12-31', '30000.00'], ['2026-06-30', '30000.00']], agreement: { on: '2025-06-01', documentRef: 'PADIF/GA/2025-14' } },
  { key: 'sa-2025', donor: 'sa', earmark: P, currency: 'USD', amount: '250000.00', announcedOn: '2025-05-12', instalments: [['2025-09-30', '125000.00'], ['2026-09-30', '125000.00']], agreement: { on: '2025-06-15', documentRef: 'CST-ITU/2025/11' } },
  { key: 'fr-2025', donor: 'fr', earmark: P, currency: 'EUR', amount: '120000.00', announcedOn: '2025-06-20', instalments: [['2025-12-15', '60000.00'], ['2026-12-15', '60000.00']], agreement: { on: '2025-07-15', documentRef: 'MEAE/DGM/2025-0712' } },
  { key: 'lianhe-2025', donor: 'lianhe', earmark: W, currency: 'USD', amount: '80000.00', announcedOn: '2025-07-07', instalments: [['2025-12-31', '40000.00'], ['2026-12-31', '40000.00']], agreement: { on: '2025-08-12', documentRef: 'LHD-2025-0812' } },
  { key: 'airwaves-2025', donor: 'airwaves', earmark: W, currency: 'USD', amount: '75000.00', announcedOn: '2025-08-01', instalments: [['2025-12-31', '75000.00']], agreement: { on: '2025-09-01', documentRef: 'OAF-G-2025-031' } },
  { key: 'es-2025', donor: 'es', earmark: W, currency: 'EUR', amount: '60000.00', announcedOn: '2025-09-10', instalments: [['2026-03-31', '60000.00']], agreement: { on: '2025-10-20', documentRef: 'AECID/ITU/2025-33' } },
  { key: 'ci-2025', donor: 'ci', earmark: P, currency: 'EUR', amount: '15000.00', announcedOn: '2025-10-01', instalments: [['2026-05-31', '15000.00']], agreement: { on: '2025-11-05', documentRef: 'CI-MTND/ITU/2025' } },
  { key: 'kz-2025', donor: 'kz', earmark: P, currency: 'USD', amount: '30000.00', announcedOn: '2025-11-18', instalments: [['2026-04-30', '30000.00']], agreement: { on: '2026-01-12', documentRef: 'KZ-MDDIAI/ITU/2026-1' } },
  { key: 'baltic-2025', donor: 'baltic', earmark: W, currency: 'EUR', amount: '10000.00', announcedOn: '2025-11-20', instalments: [['2026-02-28', '10000.00']], agreement: { on: '2025-12-15', documentRef: 'BFN-2025-12' } },
  { key: 'lemanic-2026', donor: 'lemanic', earmark: P, currency: 'CHF', amount: '40000.00', announcedOn: '2026-01-15', instalments: [['2026-04-30', '22000.00'], ['2026-10-31', '18000.00']], agreement: { on: '2026-02-01', documentRef: 'BL-MEC-2026-02' } },
  { key: 'alpen-2026', donor: 'alpen', earmark: U, currency: 'CHF', amount: '60000.00', announcedOn: '2026-01-19', instalments: [['2026-03-31', '60000.00']], agreement: { on: '2026-02-11', documentRef: 'ALP-ITU-2026-01' } },
  { key: 'ch-wsis20-2026', donor: 'ch', earmark: W, currency: 'CHF', amount: '150000.00', announcedOn: '2026-01-20', instalments: [['2026-03-31', '80000.00'], ['2026-11-15', '70000.00']], agreement: { on: '2026-02-10', documentRef: 'OFCOM/ITU-WSIS20/2026' } },
  { key: 'de-wsis20-2026', donor: 'de', earmark: W, currency: 'EUR', amount: '80000.00', announcedOn: '2026-01-28', instalments: [['2026-10-31', '80000.00']], agreement: { on: '2026-02-20', documentRef: 'BMDV-ITU-WSIS20-2026', conditional: true, conditionsMetOn: '2026-09-15' } },
  { key: 'mx-2026', donor: 'mx', earmark: W, currency: 'USD', amount: '40000.00', announcedOn: '2026-02-02', instalments: [['2026-06-30', '20000.00'], ['2026-09-30', '20000.00']], agreement: { on: '2026-03-18', documentRef: 'SRE-IFT/ITU/2026' } },
  { key: 'ch-2026', donor: 'ch', earmark: P, currency: 'CHF', amount: '120000.00', announcedOn: '2026-02-09', instalments: [['2026-06-30', '120000.00']], agreement: { on: '2026-03-03', documentRef: 'OFCOM/ITU-WSIS/2026' } },
  { key: 'sahel-2026', donor: 'sahel', earmark: P, currency: 'EUR', amount: '20000.00', announcedOn: '2026-02-10', instalments: [['2026-08-31', '20000.00']], agreement: { on: '2026-03-02', documentRef: 'SM-DG-2026-031' } },
  { key: 'arab-2026', donor: 'arab', earmark: W, currency: 'USD', amount: '35000.00', announcedOn: '2026-02-15', instalments: [['2026-09-30', '35000.00']], agreement: { on: '2026-03-10', documentRef: 'ARCDC/2026/05' } },
  { key: 'spectrum-2026', donor: 'spectrum', earmark: U, currency: 'USD', amount: '5000.00', announcedOn: '2026-03-01', instalments: [['2026-06-30', '5000.00']], agreement: { on: '2026-03-15', documentRef: 'GSA-2026-01' } },
  { key: 'lausanne-2026', donor: 'lausanne', earmark: W, currency: 'CHF', amount: '12000.00', announcedOn: '2026-03-02', instalments: [['2026-10-31', '12000.00']], agreement: { on: '2026-03-25', documentRef: 'IUGN-2026-03' } },
  { key: 'qa-2026', donor: 'qa', earmark: P, currency: 'USD', amount: '200000.00', announcedOn: '2026-03-15', instalments: [['2026-06-30', '100000.00'], ['2026-12-31', '100000.00']], agreement: { on: '2026-04-20', documentRef: 'QA-MCIT/ITU/2026-04' } },
  { key: 'pacifico-2026', donor: 'pacifico', earmark: P, currency: 'USD', amount: '8000.00', announcedOn: '2026-04-01', instalments: [['2026-07-31', '8000.00']], agreement: { on: '2026-05-01', documentRef: 'UTP-RI-2026-044' } },
  { key: 'pl-2026', donor: 'pl', earmark: U, currency: 'EUR', amount: '25000.00', announcedOn: '2026-04-10', instalments: [['2026-12-31', '25000.00']] },
  { key: 'meridian-2026', donor: 'meridian', earmark: U, currency: 'USD', amount: '25000.00', announcedOn: '2026-05-05', instalments: [['2026-10-31', '25000.00']], agreement: { on: '2026-05-30', documentRef: 'MSS-CSR-2026' } },
  { key: 'kw-2026', donor: 'kw', earmark: U, currency: 'USD', amount: '120000.00', announcedOn: '2026-05-10', instalments: [['2026-12-31', '60000.00'], ['2027-06-30', '60000.00']], agreement: { on: '2026-06-02', documentRef: 'KW-MOFA/ITU/2026' } },
  { key: 'okafor-2026', donor: 'okafor', earmark: P, currency: 'USD', amount: '2500.00', announcedOn: '2026-05-15', instalments: [['2026-06-30', '2500.00']], agreement: { on: '2026-05-15', documentRef: 'Letter of 15 May 2026' } },
  { key: 'cr-2026', donor: 'cr', earmark: U, currency: 'USD', amount: '10000.00', announcedOn: '2026-06-01', instalments: [['2026-12-31', '10000.00']], agreement: { on: '2026-07-01', documentRef: 'MICITT/ITU/2026' } },
  { key: 'pacific-2026', donor: 'pacific', earmark: P, currency: 'USD', amount: '6000.00', announcedOn: '2026-06-10', instalments: [['2026-12-31', '6000.00']], agreement: { on: '2026-07-01', documentRef: 'PICS-2026-17' } },
  { key: 'dufour-2026', donor: 'dufour', earmark: U, currency: 'CHF', amount: '25000.00', announcedOn: '2026-08-01', instalments: [['2026-11-30', '25000.00']], agreement: { on: '2026-09-01', documentRef: 'Legs Dufour, acte notarié 2026-0815' } },
  { key: 'mekong-2026', donor: 'mekong', earmark: P, currency: 'USD', amount: '20000.00', announcedOn: '2026-08-20', instalments: [['2026-11-30', '20000.00']], agreement: { on: '2026-09-15', documentRef: 'MDFF-2026-09' } },
  { key: 'cedar-2026', donor: 'cedar', earmark: P, currency: 'USD', amount: '12000.00', announcedOn: '2026-09-01', instalments: [['2027-03-31', '12000.00']] },
  { key: 'nairobi-2026', donor: 'nairobi', earmark: U, currency: 'USD', amount: '5000.00', announcedOn: '2026-10-01', instalments: [['2027-06-30', '5000.00']] },
];

export interface DemoReceipt {
  /** To name the receipt elsewhere (a bank line, a refund). */
  key?: string;
  /** The pledge it pays (its donor is the receipt's donor). */
  pledge?: string;
  account: DemoBankAccount;
  valueDate: string;
  /** Gross, in the account's currency; absent: what `pays` is worth at the UN rate of the day. */
  gross?: string;
  /** What it applies to the pledge, in the pledge's currency; default: the gross. */
  pays?: string;
  charges?: string;
  /** Without pledge: an unknown remitter, the money in suspense. */
  remitter?: string;
  text?: string;
  /**
   * UBS-CHF only: 'bank' (default) recorded from the bank's advice, with its reference, and on
   * the statement as such; 'letter' recorded from the donor's letter before the statement came
   * (no bank reference): its bank line is one of DEMO_CHF_LINES.
   */
  source?: 'bank' | 'letter';
}

/** Money that arrived, in order of value date: gross, bank charges, and what it pays. */
// prettier-ignore
export const DEMO_RECEIPTS: readonly DemoReceipt[] = [
  { pledge: 'alpen-2024', account: 'UBS-CHF', valueDate: '2024-03-28', gross: '50000.00' },
  { pledge: 'de-2024', account: 'UBS-EUR', valueDate: '2024-06-12', gross: '100000.00' },
  { pledge: 'ch-2024', account: 'UBS-CHF', valueDate: '2024-06-18', gross: '100000.00' },
  { pledge: 'kilimanjaro-2024', account: 'UBS-USD', valueDate: '2024-07-15', gross: '9000.00', charges: '45.00' },
  { pledge: 'jp-2024', account: 'UBS-USD', valueDate: '2024-09-20', gross: '100000.00', charges: '20.00' },
  { pledge: 'andes-2024', account: 'UBS-USD', valueDate: '2024-10-25', gross: '15000.00', charges: '40.00' },
  { pledge: 'kw-2024', account: 'UBS-USD', valueDate: '2024-12-10', gross: '100000.00', charges: '25.00' },
  { pledge: 'teilhabe-2024', account: 'UBS-EUR', valueDate: '2024-12-16', gross: '20000.00' },
  { pledge: 'cn-2024', account: 'UBS-USD', valueDate: '2024-12-18', gross: '100000.00', charges: '28.00' },
  { pledge: 'om-2024', account: 'UBS-USD', valueDate: '2024-12-20', gross: '25000.00', charges: '30.00' },
  { pledge: 'pacifica-2025', account: 'UBS-USD', valueDate: '2025-03-24', gross: '20000.00', charges: '15.00' },
  { pledge: 'geneve-2025', account: 'UBS-CHF', valueDate: '2025-03-26', gross: '30000.00' },
  { pledge: 'alpen-2025', account: 'UBS-CHF', valueDate: '2025-03-27', gross: '55000.00' },
  { pledge: 'de-2024', account: 'UBS-EUR', valueDate: '2025-06-10', gross: '100000.00' },
  { pledge: 'ch-2025', account: 'UBS-CHF', valueDate: '2025-06-20', gross: '110000.00' },
  { pledge: 'ae-2025', account: 'UBS-USD', valueDate: '2025-06-20', gross: '150000.00' },
  { pledge: 'lausanne-2025', account: 'UBS-CHF', valueDate: '2025-06-25', gross: '10000.00' },
  { pledge: 'africa-2025', account: 'UBS-USD', valueDate: '2025-06-27', gross: '30000.00', charges: '35.00' },
  { pledge: 'nordwave-2025', account: 'UBS-EUR', valueDate: '2025-09-18', gross: '30000.00', charges: '12.50' },
  { pledge: 'pacifica-2025', account: 'UBS-USD', valueDate: '2025-09-22', gross: '20000.00', charges: '15.00' },
  { pledge: 'jp-2024', account: 'UBS-USD', valueDate: '2025-09-25', gross: '100000.00', charges: '20.00' },
  { pledge: 'geneve-2025', account: 'UBS-CHF', valueDate: '2025-09-29', gross: '25000.00' },
  { pledge: 'sa-2025', account: 'UBS-USD', valueDate: '2025-10-08', gross: '125000.00', charges: '35.00' },
  { pledge: 'fr-2025', account: 'UBS-EUR', valueDate: '2025-12-05', gross: '60000.00' },
  { pledge: 'teilhabe-2024', account: 'UBS-EUR', valueDate: '2025-12-12', gross: '20000.00' },
  // 500.00 more than pledged: the donor's unapplied credit, which the officer asks to refund.
  { key: 'airwaves-overpaid', pledge: 'airwaves-2025', account: 'UBS-USD', valueDate: '2025-12-15', gross: '75500.00', pays: '75000.00', charges: '25.00' },
  { pledge: 'africa-2025', account: 'UBS-USD', valueDate: '2025-12-19', gross: '30000.00', charges: '35.00' },
  { pledge: 'cn-2024', account: 'UBS-USD', valueDate: '2025-12-22', gross: '100000.00', charges: '28.00' },
  { pledge: 'lianhe-2025', account: 'UBS-USD', valueDate: '2025-12-29', gross: '40000.00', charges: '30.00' },
  // Paid late: the instalment of 2025-12-31 arrives in January, the second one never.
  { pledge: 'rw-2025', account: 'UBS-USD', valueDate: '2026-01-15', gross: '10000.00', charges: '45.00' },
  // Oman pays part of its 2025 instalment only.
  { pledge: 'om-2024', account: 'UBS-USD', valueDate: '2026-02-10', gross: '15000.00', charges: '30.00' },
  { pledge: 'baltic-2025', account: 'UBS-EUR', valueDate: '2026-02-20', gross: '10000.00', charges: '15.00' },
  // A euro pledge paid in Swiss francs into the CHF account: converted at the UN rate of the day.
  { pledge: 'es-2025', account: 'UBS-CHF', valueDate: '2026-03-20', pays: '60000.00', charges: '18.00' },
  { pledge: 'ch-wsis20-2026', account: 'UBS-CHF', valueDate: '2026-03-25', gross: '80000.00' },
  { pledge: 'pacifica-2025', account: 'UBS-USD', valueDate: '2026-03-27', gross: '20000.00', charges: '15.00' },
  { pledge: 'geneve-2025', account: 'UBS-CHF', valueDate: '2026-03-30', gross: '24000.00' },
  { pledge: 'alpen-2026', account: 'UBS-CHF', valueDate: '2026-03-30', gross: '60000.00' },
  { pledge: 'lemanic-2026', account: 'UBS-CHF', valueDate: '2026-04-28', gross: '22000.00' },
  { pledge: 'kz-2025', account: 'UBS-USD', valueDate: '2026-05-20', gross: '30000.00', charges: '45.00' },
  // Half of a euro pledge, in Swiss francs.
  { pledge: 'ci-2025', account: 'UBS-CHF', valueDate: '2026-05-25', pays: '7500.00', charges: '35.00' },
  { pledge: 'de-2024', account: 'UBS-EUR', valueDate: '2026-06-09', gross: '100000.00' },
  { pledge: 'ch-2026', account: 'UBS-CHF', valueDate: '2026-06-15', gross: '120000.00' },
  { pledge: 'okafor-2026', account: 'UBS-USD', valueDate: '2026-06-20', gross: '2500.00', charges: '15.00' },
  { pledge: 'spectrum-2026', account: 'UBS-USD', valueDate: '2026-06-26', gross: '5000.00', charges: '20.00' },
  { pledge: 'qa-2026', account: 'UBS-USD', valueDate: '2026-07-02', gross: '100000.00', charges: '30.00' },
  { pledge: 'mx-2026', account: 'UBS-USD', valueDate: '2026-07-10', gross: '20000.00', charges: '40.00' },
  { pledge: 'africa-2025', account: 'UBS-USD', valueDate: '2026-07-15', gross: '30000.00', charges: '35.00' },
  { pledge: 'pacifico-2026', account: 'UBS-USD', valueDate: '2026-08-10', gross: '5000.00', charges: '35.00' },
  { pledge: 'sahel-2026', account: 'UBS-EUR', valueDate: '2026-09-14', gross: '20000.00', charges: '38.00' },
  { pledge: 'jp-2024', account: 'UBS-USD', valueDate: '2026-09-28', gross: '100000.00', charges: '20.00' },
  { pledge: 'arab-2026', account: 'UBS-USD', valueDate: '2026-10-01', gross: '35000.00', charges: '30.00' },
  { pledge: 'sa-2025', account: 'UBS-USD', valueDate: '2026-10-05', gross: '125000.00', charges: '35.00' },
  { pledge: 'de-wsis20-2026', account: 'UBS-EUR', valueDate: '2026-10-20', gross: '80000.00' },
  { pledge: 'lemanic-2026', account: 'UBS-CHF', valueDate: '2026-10-29', gross: '18000.00' },
  { pledge: 'meridian-2026', account: 'UBS-USD', valueDate: '2026-11-03', gross: '25000.00', charges: '20.00' },
  { key: 'lausanne-letter', pledge: 'lausanne-2026', account: 'UBS-CHF', valueDate: '2026-11-06', gross: '12000.00', source: 'letter', text: 'Contribution 2026 selon convention {ref}' },
  { key: 'geneve-letter', pledge: 'geneve-2025', account: 'UBS-CHF', valueDate: '2026-11-10', gross: '21000.00', source: 'letter', text: '{ref} dernière tranche' },
  { pledge: 'ch-wsis20-2026', account: 'UBS-CHF', valueDate: '2026-11-13', gross: '70000.00' },
  // Nobody knows yet whose money this is: it waits in suspense for an officer.
  { account: 'UBS-USD', valueDate: '2026-11-18', gross: '3000.00', charges: '20.00', remitter: 'DIGITAL BRIDGE INITIATIVE', text: 'WSIS CONTRIBUTION 2026' },
];

/** A line of the CHF account's statements that is not the bank's record of a receipt above. */
export interface DemoBankLine {
  bookingDate: string;
  /** Signed, CHF: negative for money out. */
  amount: string;
  counterparty?: string;
  text: string;
  /** The receipt (recorded from a letter) this line is the bank's record of. */
  receipt?: string;
  /** The pledge whose reference `{ref}` in the text stands for. */
  pledge?: string;
  /** Posted by the demo's officer as not a contribution (the history is reconciled). */
  classify?: { classification: 'interest' | 'fee'; account: '4200' | '5100'; description: string };
}

// prettier-ignore
export const DEMO_CHF_LINES: readonly DemoBankLine[] = [
  { bookingDate: '2024-12-31', amount: '312.45', text: 'CREDIT INTEREST 2024', classify: { classification: 'interest', account: '4200', description: 'Credit interest 2024' } },
  { bookingDate: '2024-12-31', amount: '-60.00', text: 'ACCOUNT MAINTENANCE FEES 2024', classify: { classification: 'fee', account: '5100', description: 'Account maintenance fees 2024' } },
  { bookingDate: '2025-12-31', amount: '148.20', text: 'CREDIT INTEREST 2025', classify: { classification: 'interest', account: '4200', description: 'Credit interest 2025' } },
  { bookingDate: '2025-12-31', amount: '-60.00', text: 'ACCOUNT MAINTENANCE FEES 2025', classify: { classification: 'fee', account: '5100', description: 'Account maintenance fees 2025' } },
  // November 2026, left for the officer: two suggestions, an unrecorded bequest, an unknown
  // remitter and the bank's charges.
  { bookingDate: '2026-11-06', amount: '12000.00', counterparty: 'Institut universitaire de gouvernance numérique', text: 'CONTRIBUTION 2026', receipt: 'lausanne-letter' },
  { bookingDate: '2026-11-10', amount: '20985.00', counterparty: 'Fondation Genève Numérique', text: '{ref} DERNIERE TRANCHE', receipt: 'geneve-letter', pledge: 'geneve-2025' },
  { bookingDate: '2026-11-19', amount: '1000.00', counterparty: 'RAKOTOMALALA JEAN ET MARIE', text: 'DON FONDS WSIS' },
  { bookingDate: '2026-11-24', amount: '25000.00', counterparty: 'ETUDE MERCIER & ASSOCIES NOTAIRES', text: 'SUCCESSION H. DUFOUR LEGS {ref}', pledge: 'dufour-2026' },
  { bookingDate: '2026-11-27', amount: '-25.00', text: 'CHARGES INCOMING PAYMENTS NOV 2026' },
];

/** The last statement runs to this day; monthly statements before it. */
export const DEMO_STATEMENT_END = '2026-11-27';

export interface DemoEvent {
  key: string;
  code: string;
  name: string;
  place: string;
  startsOn: string;
  endsOn: string;
  budget: string;
  eligibilityRule: EligibilityRule;
  offers: {
    full: boolean;
    partialTicket: boolean;
    partialAllowance: boolean;
    remote: boolean;
    remoteAmount?: string;
  };
}

// prettier-ignore
export const DEMO_EVENTS: readonly DemoEvent[] = [
  { key: 'hle', code: 'WSIS20-HLE', name: 'WSIS+20 High-Level Event', place: 'Geneva, Switzerland', startsOn: '2026-12-14', endsOn: '2026-12-16', budget: '60000.00', eligibilityRule: 'ldc-and-developing', offers: { full: true, partialTicket: true, partialAllowance: true, remote: true, remoteAmount: '250.00' } },
  { key: 'forum', code: 'WSIS-FORUM-2027', name: 'WSIS Forum 2027', place: 'Geneva, Switzerland', startsOn: '2027-07-05', endsOn: '2027-07-09', budget: '150000.00', eligibilityRule: 'ldc-first', offers: { full: true, partialTicket: true, partialAllowance: true, remote: false } },
];

export interface DemoGrant {
  event: string;
  name: string;
  gender: Gender;
  country: string;
  organisation: string;
  stakeholderGroup: StakeholderGroup;
  kind: GrantKind;
  ticket?: string;
  allowance?: string;
  decisionDate: string;
  /** requested: recorded only; pending: sent for approval; approved; disbursed: advance paid today. */
  stage: 'requested' | 'pending' | 'approved' | 'disbursed';
}

/** Participants from LDCs and developing countries, one grant each. */
// prettier-ignore
export const DEMO_GRANTS: readonly DemoGrant[] = [
  { event: 'hle', name: 'Aminata Traoré', gender: 'female', country: 'ML', organisation: "Agence des Technologies de l'Information et de la Communication", stakeholderGroup: 'government', kind: 'full', ticket: '1240.00', allowance: '1380.00', decisionDate: '2026-11-03', stage: 'disbursed' },
  { event: 'hle', name: 'Sita Sharma', gender: 'female', country: 'NP', organisation: 'Ministry of Communication and Information Technology', stakeholderGroup: 'government', kind: 'full', ticket: '1650.00', allowance: '1380.00', decisionDate: '2026-11-04', stage: 'disbursed' },
  { event: 'hle', name: 'Jean-Paul Niyonzima', gender: 'male', country: 'BI', organisation: 'Burundi Youth for Digital Rights', stakeholderGroup: 'civil-society', kind: 'full', ticket: '980.00', allowance: '1380.00', decisionDate: '2026-11-05', stage: 'disbursed' },
  { event: 'hle', name: 'María Fernanda Quispe', gender: 'female', country: 'BO', organisation: 'Universidad Pública de El Alto', stakeholderGroup: 'academia', kind: 'partial-ticket', ticket: '1890.00', decisionDate: '2026-11-06', stage: 'disbursed' },
  { event: 'hle', name: 'Kwame Boateng', gender: 'male', country: 'GH', organisation: 'Accra Network Operators Group', stakeholderGroup: 'technical-community', kind: 'partial-allowance', allowance: '1380.00', decisionDate: '2026-11-09', stage: 'approved' },
  { event: 'hle', name: 'Nguyễn Thị Lan', gender: 'female', country: 'VN', organisation: 'Mekong Telecom JSC', stakeholderGroup: 'private-sector', kind: 'full', ticket: '1120.00', allowance: '1380.00', decisionDate: '2026-11-10', stage: 'approved' },
  { event: 'hle', name: 'Fatima Al-Sharif', gender: 'female', country: 'YE', organisation: "Sana'a Digital Youth Forum", stakeholderGroup: 'civil-society', kind: 'remote', decisionDate: '2026-11-12', stage: 'approved' },
  { event: 'hle', name: 'Baraniko Tekeraoi', gender: 'male', country: 'KI', organisation: 'Ministry of Information, Communications and Transport', stakeholderGroup: 'government', kind: 'full', ticket: '3450.00', allowance: '1380.00', decisionDate: '2026-11-12', stage: 'disbursed' },
  { event: 'hle', name: 'Omar Hassan Abdi', gender: 'male', country: 'SO', organisation: 'Horn of Africa Broadband Initiative', stakeholderGroup: 'international-organization', kind: 'full', ticket: '1310.00', allowance: '1380.00', decisionDate: '2026-11-16', stage: 'approved' },
  { event: 'forum', name: 'Chanthy Sok', gender: 'female', country: 'KH', organisation: 'Ministry of Posts and Telecommunications', stakeholderGroup: 'government', kind: 'full', ticket: '1780.00', allowance: '2300.00', decisionDate: '2026-11-18', stage: 'approved' },
  { event: 'forum', name: 'Tendai Moyo', gender: 'male', country: 'ZW', organisation: 'Harare Community Networks Trust', stakeholderGroup: 'civil-society', kind: 'partial-ticket', ticket: '1150.00', decisionDate: '2026-11-19', stage: 'approved' },
  { event: 'forum', name: 'Leila Haddad', gender: 'female', country: 'TN', organisation: 'Tunis Open Data Lab', stakeholderGroup: 'academia', kind: 'full', ticket: '620.00', allowance: '2300.00', decisionDate: '2026-11-20', stage: 'pending' },
  { event: 'forum', name: 'Mamadou Diop', gender: 'male', country: 'SN', organisation: 'Sénégal Numérique SA', stakeholderGroup: 'private-sector', kind: 'full', ticket: '890.00', allowance: '2300.00', decisionDate: '2026-11-24', stage: 'requested' },
];

/** What the officer asks an approver for, left pending so that the approver has work. */
export const DEMO_WRITE_OFF = {
  pledge: 'kilimanjaro-2024',
  date: '2026-11-20',
  reason:
    'The company is in liquidation (notice of the liquidator of 2 October 2026): the second ' +
    'instalment will not be paid',
};

export const DEMO_REFUND = {
  receipt: 'airwaves-overpaid',
  amount: '500.00',
  date: '2026-11-20',
  reason:
    'Overpayment of the 2025 contribution returned at the foundation’s request (e-mail of 12 November)',
};

/** The statement the donor user finds issued: the Swiss Confederation's year 2025. */
export const DEMO_STATEMENT = { donor: 'ch', from: '2025-01-01', to: '2025-12-31' };
