import { InitialSchema1764300000000 } from './1764300000000-InitialSchema';
import { ReferenceData1764400000000 } from './1764400000000-ReferenceData';
import { ExchangeRates1764500000000 } from './1764500000000-ExchangeRates';
import { Ledger1764600000000 } from './1764600000000-Ledger';
import { AuditTrail1764700000000 } from './1764700000000-AuditTrail';
import { Identity1764800000000 } from './1764800000000-Identity';
import { Approvals1764900000000 } from './1764900000000-Approvals';
import { Donors1765000000000 } from './1765000000000-Donors';
import { Pledges1765100000000 } from './1765100000000-Pledges';
import { PledgeAmendments1765150000000 } from './1765150000000-PledgeAmendments';
import { Receipts1765200000000 } from './1765200000000-Receipts';
import { Grants1765300000000 } from './1765300000000-Grants';
import { BankStatements1765400000000 } from './1765400000000-BankStatements';
import { DonorDocuments1765500000000 } from './1765500000000-DonorDocuments';
import { Reports1765600000000 } from './1765600000000-Reports';
import { AuditAppend1765700000000 } from './1765700000000-AuditAppend';
import { GrantAttributionDates1765800000000 } from './1765800000000-GrantAttributionDates';

/**
 * Every migration, oldest first. Listed by hand rather than found by a glob, so that the same
 * list works from TypeScript (tests), from dist/ (the app) and in the CLI; a test checks that
 * every file in this folder is listed.
 */
export const MIGRATIONS = [
  InitialSchema1764300000000,
  ReferenceData1764400000000,
  ExchangeRates1764500000000,
  Ledger1764600000000,
  AuditTrail1764700000000,
  Identity1764800000000,
  Approvals1764900000000,
  Donors1765000000000,
  Pledges1765100000000,
  PledgeAmendments1765150000000,
  Receipts1765200000000,
  Grants1765300000000,
  BankStatements1765400000000,
  DonorDocuments1765500000000,
  Reports1765600000000,
  AuditAppend1765700000000,
  GrantAttributionDates1765800000000,
];
