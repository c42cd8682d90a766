import { INestApplicationContext } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApprovalsService } from '../approvals/approvals.service';
import { CreateUserRequest, UserResponse } from '../auth/dto/identity.dto';
import { IdentityService, toActor } from '../auth/identity.service';
import { PasswordService } from '../auth/password.service';
import { Role } from '../auth/roles';
import { UsersService } from '../auth/users.service';
import { BankAccountsService } from '../bank-accounts/bank-accounts.service';
import { CreateBankAccountRequest } from '../bank-accounts/dto/bank-account.dto';
import { Actor } from '../common/actor';
import { todayUtc } from '../common/calendar-date';
import { createValidationPipe } from '../common/validation';
import { TransactionRunner } from '../database/transaction-runner';
import { PdfUnavailableError } from '../documents/documents.errors';
import { CreateDonorRequest } from '../donors/dto/donor.dto';
import { DonorsService } from '../donors/donors.service';
import { CreateGrantEventRequest } from '../grant-events/dto/grant-event.dto';
import { CreateParticipantRequest } from '../grant-events/dto/participant.dto';
import { GrantEventsService } from '../grant-events/grant-events.service';
import { ParticipantsService } from '../grant-events/participants.service';
import { DisburseGrantRequest } from '../grants/dto/grant-lifecycle.dto';
import { RequestGrantRequest } from '../grants/dto/grant.dto';
import { GrantLifecycleService } from '../grants/grant-lifecycle.service';
import { GrantsService } from '../grants/grants.service';
import { Money } from '../money/money';
import {
  AgreePledgeRequest,
  ConditionsMetRequest,
  CreatePledgeRequest,
  EndPledgeRequest,
} from '../pledges/dto/pledge.dto';
import { PledgesService } from '../pledges/pledges.service';
import { ImportExchangeRatesRequest } from '../rates/dto/exchange-rate.request';
import { RatesService } from '../rates/rates.service';
import { ImportStatementRequest } from '../reconciliation/import/dto/statement-import.dto';
import { StatementImportService } from '../reconciliation/import/statement-import.service';
import {
  ListLinesQuery,
  NotContributionRequest,
  RunMatchingRequest,
} from '../reconciliation/matching/dto/matching.dto';
import { MatchingService } from '../reconciliation/matching/matching.service';
import { RecordReceiptRequest, RefundReceiptRequest } from '../receipts/dto/receipt.dto';
import { ReceiptCorrectionsService } from '../receipts/receipt-corrections.service';
import { ReceiptsService } from '../receipts/receipts.service';
import { IssueStatementRequest } from '../statements/dto/issued-document.dto';
import { StatementsService } from '../statements/statements.service';
import { startPageFor } from '../web/navigation';
import { camt053, CamtEntry, CamtStatement } from './demo-camt053';
import {
  DEMO_BANK_ACCOUNTS,
  DEMO_CHF_LINES,
  DEMO_DONOR_USER_DONOR,
  DEMO_DONORS,
  DEMO_EVENTS,
  DEMO_FUND,
  DEMO_GRANTS,
  DEMO_PLEDGES,
  DEMO_RECEIPTS,
  DEMO_REFUND,
  DEMO_STATEMENT,
  DEMO_STATEMENT_END,
  DEMO_USERS,
  DEMO_WRITE_OFF,
  DemoBankAccount,
  DemoReceipt,
  demoRatesCsv,
} from './demo-data';

/** The tables the demo writes to: any row in one of them and the database is not empty. */
const CHECKED_TABLES = [
  'app_user',
  'donor',
  'pledge',
  'receipt',
  'bank_account',
  'exchange_rate',
  'journal_entry',
  'grant_event',
  'participant',
  'bank_statement',
] as const;

export interface DemoUserLogin {
  username: string;
  displayName: string;
  role: Role;
  startPage: string;
}

export type DemoLoadResult =
  | {
      loaded: false;
      /** The tables that hold rows, with their counts. */
      found: Record<string, number>;
    }
  | {
      loaded: true;
      password: string;
      users: DemoUserLogin[];
      figures: {
        donors: number;
        pledges: number;
        receipts: number;
        statements: number;
        bankLines: number;
        grants: number;
        pendingApprovals: number;
      };
      /** What was left out, and why (a PDF without Chromium). */
      notes: string[];
    };

export interface DemoLoadOptions {
  /** Who creates the first user: the operating-system user of the CLI, a test… */
  system: Actor;
  /** The demo users' password; a random one when absent. */
  password?: string;
  /** Told the name of each step as it starts. */
  progress?: (step: string) => void;
}

/** A request as the API's validation pipe would hand it to the service: checked, typed. */
async function valid<T extends object>(type: new () => T, value: object): Promise<T> {
  return (await createValidationPipe().transform(value, { type: 'body', metatype: type })) as T;
}

const PASSWORD_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Four groups of four letters and digits: easy to type, never among the common passwords. */
export function randomDemoPassword(): string {
  const group = () =>
    Array.from({ length: 4 }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]).join(
      '',
    );
  return `wsis-${group()}-${group()}-${group()}`;
}

/** What tables already hold, as `{ table: count }` for the non-empty ones. */
export async function demoBlockers(dataSource: DataSource): Promise<Record<string, number>> {
  const [row] = await dataSource.query<Record<string, number>[]>(
    `SELECT ${CHECKED_TABLES.map((table) => `(SELECT count(*)::int FROM ${table}) AS ${table}`).join(', ')}`,
  );
  return Object.fromEntries(Object.entries(row).filter(([, count]) => Number(count) > 0));
}

const BANK_CODES: Record<DemoBankAccount, string> = {
  'UBS-CHF': 'CHF',
  'UBS-USD': 'USD',
  'UBS-EUR': 'EUR',
};

/** The bank's own reference of a movement, as UBS writes it: date, account, number. */
function bankReference(account: DemoBankAccount, date: string, sequence: number): string {
  return `${date.replace(/-/g, '')}${BANK_CODES[account]}${String(sequence).padStart(6, '0')}`;
}

function lastDayOfMonth(month: string): string {
  const [year, monthNumber] = month.split('-').map(Number);
  return new Date(Date.UTC(year, monthNumber, 0)).toISOString().slice(0, 10);
}

/**
 * Fills an empty database with the demo of the WSIS Trust Fund, through the application's own
 * services, as its users would through the API: every figure on the ledger comes from the same
 * code as in production. Each step is its own transaction, as each API request is (approvals and
 * statement imports open theirs): a failure midway leaves part of the demo, which a second run
 * refuses to touch like any database that is not empty.
 */
export class DemoLoader {
  private readonly users = new Map<Role, Actor>();
  private readonly donorIds = new Map<string, string>();
  private readonly pledges = new Map<string, { id: string; reference: string; currency: string }>();
  private readonly receiptIds = new Map<string, string>();
  private readonly references = new Map<DemoBankAccount, number>();
  /** The CHF account's lines, with the bank's reference of each. */
  private readonly chfEntries: CamtEntry[] = [];
  private readonly notes: string[] = [];

  constructor(private readonly app: INestApplicationContext) {}

  async load(options: DemoLoadOptions): Promise<DemoLoadResult> {
    const found = await demoBlockers(this.app.get(DataSource));
    if (Object.keys(found).length > 0) return { loaded: false, found };
    // A password of the operator's is checked before anything is written.
    if (options.password !== undefined) {
      const passwords = this.app.get(PasswordService);
      for (const user of DEMO_USERS) passwords.assertAcceptable(options.password, user.username);
    }
    const password = options.password ?? this.acceptablePassword();
    const step = options.progress ?? (() => undefined);
    step('users');
    await this.createStaff(options.system, password);
    step('exchange rates and bank accounts');
    await this.enterRates();
    await this.openBankAccounts();
    step('donors');
    await this.recordDonors();
    await this.createDonorUser(password);
    step('pledges, agreements and receipts');
    await this.recordHistory();
    step('bank statements');
    const statements = await this.importChfStatements();
    step('bank reconciliation');
    const bankLines = await this.reconcile();
    step('participation grants');
    const grants = await this.grantParticipation();
    step('approval requests');
    const pending = await this.askApprovals();
    step('donor statement');
    await this.issueStatement();
    return {
      loaded: true,
      password,
      users: DEMO_USERS.map((user) => ({
        username: user.username,
        displayName: user.displayName,
        role: user.role,
        startPage: startPageFor([user.role]) ?? '/',
      })),
      figures: {
        donors: DEMO_DONORS.length,
        pledges: DEMO_PLEDGES.length,
        receipts: DEMO_RECEIPTS.length,
        statements,
        bankLines,
        grants,
        pendingApprovals: pending + DEMO_GRANTS.filter((g) => g.stage === 'pending').length,
      },
      notes: this.notes,
    };
  }

  private acceptablePassword(): string {
    const passwords = this.app.get(PasswordService);
    for (;;) {
      const candidate = randomDemoPassword();
      try {
        for (const user of DEMO_USERS) passwords.assertAcceptable(candidate, user.username);
        return candidate;
      } catch {
        // A random password containing a user name: draw again.
      }
    }
  }

  private actor(role: Role): Actor {
    const actor = this.users.get(role);
    if (actor === undefined) throw new Error(`the demo has no ${role} yet`);
    return actor;
  }

  private remember(user: UserResponse): void {
    this.users.set(user.roles[0], {
      id: user.username,
      userId: user.id,
      roles: user.roles,
      donorIds: user.donorIds,
    });
  }

  /** The first admin, made by the system actor as user:create-admin does; the staff by that admin. */
  private async createStaff(system: Actor, password: string): Promise<void> {
    const [admin, ...staff] = DEMO_USERS.filter((user) => user.role !== 'donor');
    const first = await this.app.get(TransactionRunner).run((manager) =>
      this.app.get(IdentityService).createUser(manager, system, {
        username: admin.username,
        displayName: admin.displayName,
        password,
        roles: [admin.role],
      }),
    );
    this.users.set('admin', toActor(first));
    for (const user of staff) {
      this.remember(
        await this.app.get(UsersService).create(
          this.actor('admin'),
          await valid(CreateUserRequest, {
            username: user.username,
            displayName: user.displayName,
            password,
            roles: [user.role],
          }),
        ),
      );
    }
  }

  private async createDonorUser(password: string): Promise<void> {
    const user = DEMO_USERS.find((candidate) => candidate.role === 'donor')!;
    this.remember(
      await this.app.get(UsersService).create(
        this.actor('admin'),
        await valid(CreateUserRequest, {
          username: user.username,
          displayName: user.displayName,
          password,
          roles: ['donor'],
          donorIds: [this.donorIds.get(DEMO_DONOR_USER_DONOR)],
        }),
      ),
    );
  }

  private async enterRates(): Promise<void> {
    await this.app.get(RatesService).importCsv(
      this.actor('finance_officer'),
      await valid(ImportExchangeRatesRequest, {
        fileName: 'un-operational-rates-2024-01-to-2026-11.csv',
        csv: demoRatesCsv(),
      }),
    );
  }

  private async openBankAccounts(): Promise<void> {
    for (const account of DEMO_BANK_ACCOUNTS) {
      await this.app.get(BankAccountsService).create(
        this.actor('finance_officer'),
        await valid(CreateBankAccountRequest, {
          fund: DEMO_FUND,
          code: account.code,
          name: account.name,
          bankName: account.bankName,
          accountNumber: account.accountNumber,
          bic: account.bic,
          currency: account.currency,
        }),
        undefined,
      );
    }
  }

  private async recordDonors(): Promise<void> {
    for (const donor of DEMO_DONORS) {
      const created = await this.app.get(DonorsService).create(
        this.actor('finance_officer'),
        await valid(CreateDonorRequest, {
          name: donor.name,
          type: donor.type,
          country: donor.country,
          statementLanguage: donor.language,
          statementCurrency: donor.currency,
          contacts:
            donor.contact === undefined ? [] : [{ ...donor.contact, receivesStatements: true }],
        }),
      );
      this.donorIds.set(donor.key, created.id);
    }
  }

  private pledge(key: string): { id: string; reference: string; currency: string } {
    const pledge = this.pledges.get(key);
    if (pledge === undefined) throw new Error(`demo pledge ${key} is not recorded`);
    return pledge;
  }

  private donorOfPledge(key: string): { id: string; name: string } {
    const donorKey = DEMO_PLEDGES.find((pledge) => pledge.key === key)!.donor;
    return {
      id: this.donorIds.get(donorKey)!,
      name: DEMO_DONORS.find((donor) => donor.key === donorKey)!.name,
    };
  }

  private nextReference(account: DemoBankAccount, date: string): string {
    const sequence = (this.references.get(account) ?? 0) + 1;
    this.references.set(account, sequence);
    return bankReference(account, date, sequence);
  }

  /**
   * Pledges, agreements, conditions met and receipts in the order of their dates, so that the
   * numbers of pledges, receipts and journal entries follow the calendar as in a real office.
   */
  private async recordHistory(): Promise<void> {
    const events: Array<{ date: string; order: number; run: () => Promise<void> }> = [];
    for (const pledge of DEMO_PLEDGES) {
      events.push({ date: pledge.announcedOn, order: 0, run: () => this.announce(pledge.key) });
      const agreement = pledge.agreement;
      if (agreement === undefined) continue;
      events.push({ date: agreement.on, order: 1, run: () => this.agree(pledge.key) });
      if (agreement.conditionsMetOn !== undefined) {
        events.push({
          date: agreement.conditionsMetOn,
          order: 2,
          run: () => this.conditionsMet(pledge.key, agreement.conditionsMetOn!),
        });
      }
    }
    for (const receipt of DEMO_RECEIPTS) {
      events.push({ date: receipt.valueDate, order: 3, run: () => this.receive(receipt) });
    }
    events.sort((a, b) => a.date.localeCompare(b.date) || a.order - b.order);
    for (const event of events) await event.run();
  }

  private async announce(key: string): Promise<void> {
    const pledge = DEMO_PLEDGES.find((candidate) => candidate.key === key)!;
    const { body } = await this.app.get(PledgesService).create(
      this.actor('finance_officer'),
      await valid(CreatePledgeRequest, {
        fund: DEMO_FUND,
        donorId: this.donorIds.get(pledge.donor),
        earmark: pledge.earmark,
        currency: pledge.currency,
        amount: pledge.amount,
        announcedOn: pledge.announcedOn,
        instalments: pledge.instalments.map(([dueDate, amount]) => ({ dueDate, amount })),
      }),
      undefined,
    );
    this.pledges.set(key, { id: body.id, reference: body.reference, currency: pledge.currency });
  }

  private async agree(key: string): Promise<void> {
    const agreement = DEMO_PLEDGES.find((candidate) => candidate.key === key)!.agreement!;
    await this.app.get(PledgesService).agree(
      this.actor('finance_officer'),
      this.pledge(key).id,
      await valid(AgreePledgeRequest, {
        agreedOn: agreement.on,
        documentRef: agreement.documentRef,
        conditional: agreement.conditional ?? false,
      }),
      undefined,
    );
  }

  private async conditionsMet(key: string, date: string): Promise<void> {
    await this.app
      .get(PledgesService)
      .conditionsMet(
        this.actor('finance_officer'),
        this.pledge(key).id,
        await valid(ConditionsMetRequest, { date }),
        undefined,
      );
  }

  private async receive(receipt: DemoReceipt): Promise<void> {
    const currency = DEMO_BANK_ACCOUNTS.find((a) => a.code === receipt.account)!.currency;
    const pledge = receipt.pledge === undefined ? undefined : this.pledge(receipt.pledge);
    const donor = receipt.pledge === undefined ? undefined : this.donorOfPledge(receipt.pledge);
    let gross = receipt.gross;
    if (gross === undefined) {
      // Paid in another currency than pledged: as much as the pledge's amount is worth today.
      const conversion = await this.app
        .get(RatesService)
        .convert(Money.parse(receipt.pays!, pledge!.currency), currency, receipt.valueDate);
      gross = conversion.money.toDecimalString();
    }
    const remitter = receipt.remitter ?? donor!.name.toUpperCase();
    const text = (receipt.text ?? '{ref} WSIS TRUST FUND CONTRIBUTION').replace(
      '{ref}',
      pledge?.reference ?? '',
    );
    const fromBank = receipt.source !== 'letter';
    const reference = fromBank ? this.nextReference(receipt.account, receipt.valueDate) : undefined;
    const { body } = await this.app.get(ReceiptsService).record(
      this.actor('finance_officer'),
      await valid(RecordReceiptRequest, {
        fund: DEMO_FUND,
        bankAccount: receipt.account,
        valueDate: receipt.valueDate,
        currency,
        grossAmount: gross,
        bankCharges: receipt.charges ?? '0.00',
        donorId: donor?.id,
        remitterName: remitter,
        remittanceText: text,
        bankReference: reference,
        allocations:
          pledge === undefined
            ? undefined
            : [{ pledgeId: pledge.id, amount: receipt.pays ?? gross }],
      }),
      undefined,
    );
    if (receipt.key !== undefined) this.receiptIds.set(receipt.key, body.id);
    if (receipt.account === 'UBS-CHF' && reference !== undefined) {
      this.chfEntries.push({
        bookingDate: receipt.valueDate,
        amount: Money.parse(gross, currency).subtract(
          Money.parse(receipt.charges ?? '0', currency),
        ),
        bankReference: reference,
        counterparty: remitter,
        text,
      });
    }
  }

  /**
   * The CHF account's statements as the bank sends them: one camt.053 file per month with
   * movements, and the current month's up to DEMO_STATEMENT_END.
   */
  private async importChfStatements(): Promise<number> {
    for (const line of DEMO_CHF_LINES) {
      const pledge = line.pledge === undefined ? undefined : this.pledge(line.pledge);
      this.chfEntries.push({
        bookingDate: line.bookingDate,
        amount: Money.parse(line.amount, 'CHF'),
        bankReference: this.nextReference('UBS-CHF', line.bookingDate),
        counterparty: line.counterparty,
        text: line.text.replace('{ref}', pledge?.reference ?? ''),
      });
    }
    const byMonth = new Map<string, CamtEntry[]>();
    for (const entry of [...this.chfEntries].sort((a, b) =>
      a.bookingDate.localeCompare(b.bookingDate),
    )) {
      const month = entry.bookingDate.slice(0, 7);
      byMonth.set(month, [...(byMonth.get(month) ?? []), entry]);
    }
    const account = DEMO_BANK_ACCOUNTS.find((candidate) => candidate.code === 'UBS-CHF')!;
    let opening = Money.zero('CHF');
    let sequence = 0;
    for (const [month, entries] of byMonth) {
      sequence += 1;
      const to =
        month === DEMO_STATEMENT_END.slice(0, 7) ? DEMO_STATEMENT_END : lastDayOfMonth(month);
      const statement: CamtStatement = {
        id: `UBS-CHF-${to}`,
        sequence,
        from: `${month}-01`,
        to,
        opening,
        entries,
      };
      const xml = camt053(
        {
          iban: account.accountNumber.replace(/ /g, ''),
          currency: 'CHF',
          owner: 'International Telecommunication Union - WSIS Trust Fund',
          bic: account.bic,
          bankName: account.bankName,
        },
        `CAMT053-UBS-CHF-${to}`,
        `${to}T23:59:59`,
        [statement],
      );
      await this.app.get(StatementImportService).upload(
        this.actor('finance_officer'),
        await valid(ImportStatementRequest, {
          fund: DEMO_FUND,
          bankAccount: 'UBS-CHF',
          fileName: `camt053_UBS-CHF_${to}.xml`,
          content: Buffer.from(xml, 'utf8').toString('base64'),
          format: 'camt.053',
        }),
        undefined,
      );
      opening = entries.reduce((sum, entry) => sum.add(entry.amount), opening);
    }
    return sequence;
  }

  /**
   * Matching confirms what the bank's references name; the officer posts the interest and fees
   * of the years closed. November's other lines are left for the officer.
   */
  private async reconcile(): Promise<number> {
    const officer = this.actor('finance_officer');
    const matching = this.app.get(MatchingService);
    await matching.run(
      officer,
      await valid(RunMatchingRequest, { fund: DEMO_FUND, bankAccount: 'UBS-CHF' }),
      undefined,
    );
    const { lines } = await matching.lines(
      officer,
      await valid(ListLinesQuery, { fund: DEMO_FUND, bankAccount: 'UBS-CHF', status: 'unmatched' }),
    );
    for (const line of DEMO_CHF_LINES) {
      if (line.classify === undefined) continue;
      const found = lines.find(
        (candidate) =>
          candidate.bookingDate === line.bookingDate && candidate.remittanceText === line.text,
      );
      if (found === undefined) throw new Error(`the bank line "${line.text}" was not imported`);
      await matching.notContribution(
        officer,
        found.id,
        await valid(NotContributionRequest, line.classify),
        undefined,
      );
    }
    return this.chfEntries.length;
  }

  /** Two events, their participants and grants: approved by the approver, some advances paid. */
  private async grantParticipation(): Promise<number> {
    const officer = this.actor('finance_officer');
    const approver = this.actor('approver');
    const events = new Map<string, string>();
    for (const event of DEMO_EVENTS) {
      const { body } = await this.app.get(GrantEventsService).create(
        officer,
        await valid(CreateGrantEventRequest, {
          fund: DEMO_FUND,
          earmark: 'PARTICIPATION-GRANTS',
          code: event.code,
          name: event.name,
          place: event.place,
          startsOn: event.startsOn,
          endsOn: event.endsOn,
          budget: event.budget,
          eligibilityRule: event.eligibilityRule,
          offers: event.offers,
        }),
        undefined,
      );
      events.set(event.key, body.id);
    }
    const grants = this.app.get(GrantsService);
    for (const grant of DEMO_GRANTS) {
      const { body: participant } = await this.app.get(ParticipantsService).create(
        officer,
        await valid(CreateParticipantRequest, {
          name: grant.name,
          gender: grant.gender,
          country: grant.country,
          organisation: grant.organisation,
          stakeholderGroup: grant.stakeholderGroup,
        }),
        undefined,
      );
      const { body: requested } = await grants.request(
        officer,
        await valid(RequestGrantRequest, {
          eventId: events.get(grant.event),
          participantId: participant.id,
          kind: grant.kind,
          ticket: grant.ticket,
          allowance: grant.allowance,
          decisionDate: grant.decisionDate,
        }),
        undefined,
      );
      if (grant.stage === 'requested') continue;
      const { body: approval } = await grants.requestApproval(officer, requested.id, undefined);
      if (grant.stage === 'pending') continue;
      await this.app
        .get(ApprovalsService)
        .approve(approver, approval.id, 'Eligible; within the event budget');
      if (grant.stage !== 'disbursed') continue;
      // A grant's steps are dated when they happen: the advance is paid today.
      await this.app
        .get(GrantLifecycleService)
        .disburse(
          officer,
          requested.id,
          await valid(DisburseGrantRequest, { date: todayUtc(), bankAccount: 'UBS-CHF' }),
          undefined,
        );
    }
    return DEMO_GRANTS.length;
  }

  /** A write-off and a refund, asked by the officer and waiting for the approver. */
  private async askApprovals(): Promise<number> {
    const officer = this.actor('finance_officer');
    await this.app
      .get(PledgesService)
      .requestEnding(
        officer,
        'written-off',
        this.pledge(DEMO_WRITE_OFF.pledge).id,
        await valid(EndPledgeRequest, { date: DEMO_WRITE_OFF.date, reason: DEMO_WRITE_OFF.reason }),
        undefined,
      );
    await this.app.get(ReceiptCorrectionsService).requestRefund(
      officer,
      this.receiptIds.get(DEMO_REFUND.receipt)!,
      await valid(RefundReceiptRequest, {
        amount: DEMO_REFUND.amount,
        date: DEMO_REFUND.date,
        reason: DEMO_REFUND.reason,
      }),
      undefined,
    );
    return 2;
  }

  /** The donor user's statement of last year, if a PDF can be printed (Chromium). */
  private async issueStatement(): Promise<void> {
    try {
      await this.app.get(StatementsService).issue(
        this.actor('finance_officer'),
        await valid(IssueStatementRequest, {
          donorId: this.donorIds.get(DEMO_STATEMENT.donor),
          fund: DEMO_FUND,
          from: DEMO_STATEMENT.from,
          to: DEMO_STATEMENT.to,
        }),
        undefined,
      );
    } catch (error) {
      if (!(error instanceof PdfUnavailableError)) throw error;
      this.notes.push(
        `No donor statement was issued: ${error.detail} (install chromium to print PDFs).`,
      );
    }
  }
}

/** Loads the demo into the application's database if it is empty (see DemoLoader). */
export function loadDemo(
  app: INestApplicationContext,
  options: DemoLoadOptions,
): Promise<DemoLoadResult> {
  return new DemoLoader(app).load(options);
}
