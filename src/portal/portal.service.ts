import { Injectable } from '@nestjs/common';
import { Actor } from '../common/actor';
import { CalendarDate, todayUtc } from '../common/calendar-date';
import { TransactionRunner } from '../database/transaction-runner';
import { DonorNotFoundError } from '../donors/donors.errors';
import { DonorsService } from '../donors/donors.service';
import { PledgeResponse, PledgeSummaryResponse } from '../pledges/dto/pledge.dto';
import { PledgeNotFoundError } from '../pledges/pledges.errors';
import { PledgesService } from '../pledges/pledges.service';
import { ReceiptSummaryResponse } from '../receipts/dto/receipt.dto';
import { ReceiptsService } from '../receipts/receipts.service';
import { EarmarkAttributionResponse } from '../reports/dto/grant-attribution.dto';
import {
  CurrencyFiguresResponse,
  ReconciliationAllocationResponse,
} from '../reports/dto/pledge-reconciliation.dto';
import { GrantAttributionService } from '../reports/grant-attribution.service';
import { PledgeReconciliationService } from '../reports/pledge-reconciliation.service';
import { StatementDataService } from '../statements/data/statement-data.service';
import { IssuedDocumentResponse } from '../statements/dto/issued-document.dto';
import { IssuedDocumentsService } from '../statements/issued-documents.service';
import {
  DocumentFund,
  StatementGrantUse,
  StatementInstalmentDue,
} from '../statements/statement-data.types';

/** Enough for any one donor's pledges, payments and documents on one page. */
const PLEDGE_LIMIT = 500;
const LIST_LIMIT = 200;

export interface PortalDonor {
  id: string;
  name: string;
}

/** One fund the donor has anything with: its figures per pledge currency and its money's use. */
export interface PortalFund {
  fund: DocumentFund;
  /** Pledged, received, outstanding… per pledge currency (the pledge reconciliation's). */
  figures: CurrencyFiguresResponse[];
  /** The grants the donor's earmarked money funded (the statements' figures). */
  grantUse: StatementGrantUse;
  /** Per earmark: what the donor paid and what of it grants used (the grant attribution). */
  earmarks: EarmarkAttributionResponse[];
}

export interface PortalInstalmentDue extends StatementInstalmentDue {
  fund: string;
  pledgeId: string | null;
}

/** Everything the portal shows of one donor, as of today. */
export interface PortalOverview {
  donor: PortalDonor;
  asOf: CalendarDate;
  funds: PortalFund[];
  pledges: PledgeSummaryResponse[];
  payments: ReceiptSummaryResponse[];
  instalmentsDue: PortalInstalmentDue[];
  statements: IssuedDocumentResponse[];
  acknowledgements: IssuedDocumentResponse[];
}

export interface PortalPledge {
  donor: PortalDonor;
  pledge: PledgeResponse;
  /** The receipts allocated to it (reversals included, marked), oldest first. */
  payments: ReconciliationAllocationResponse[];
}

/**
 * The donor portal's data: a donor user's own donors only. Every read names one of the actor's
 * donorIds explicitly (some services, such as the receipts list, do not filter by actor
 * themselves), and anything of another donor is "not found", as on the API, so that ids do not
 * reveal what exists. The figures are those of the existing services: the pledge reconciliation,
 * the statement data (instalments due, use of earmarked money) and the grant attribution.
 */
@Injectable()
export class PortalService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly donors: DonorsService,
    private readonly pledges: PledgesService,
    private readonly receipts: ReceiptsService,
    private readonly documents: IssuedDocumentsService,
    private readonly statementData: StatementDataService,
    private readonly reconciliation: PledgeReconciliationService,
    private readonly attribution: GrantAttributionService,
  ) {}

  /** The donors the user is linked to, by name. */
  async linkedDonors(actor: Actor): Promise<PortalDonor[]> {
    const donors: PortalDonor[] = [];
    for (const id of actor.donorIds) {
      const donor = await this.donors.get(actor, id);
      donors.push({ id: donor.id, name: donor.name });
    }
    return donors.sort((a, b) => a.name.localeCompare(b.name, 'en') || compare(a.id, b.id));
  }

  /** One linked donor's overview; DonorNotFoundError for a donor the user is not linked to. */
  async overview(actor: Actor, donorId: string): Promise<PortalOverview> {
    const linked = linkedId(actor, donorId);
    if (linked === undefined) throw new DonorNotFoundError(donorId);
    const donor = await this.donors.get(actor, linked);
    const asOf = todayUtc();
    // Instalments due and the use of the money as the statements compute them, for every fund
    // the donor has anything with: a statement of today alone (its period's lists stay unused).
    const statement = await this.transactions.run(
      (manager) =>
        this.statementData.build(manager, {
          donorId: linked,
          fundCode: null,
          from: asOf,
          to: asOf,
        }),
      { isolation: 'REPEATABLE READ' },
    );
    const pledges = await this.pledges.list(actor, { donorId: linked, limit: PLEDGE_LIMIT });
    const pledgeIds = new Map(pledges.items.map((pledge) => [pledge.reference, pledge.id]));
    const funds: PortalFund[] = [];
    const instalmentsDue: PortalInstalmentDue[] = [];
    for (const section of statement.sections) {
      const fund = section.fund.code;
      const reconciliation = await this.reconciliation.report(actor, {
        fund,
        donorId: linked,
        asOf,
      });
      const attribution = await this.attribution.report(actor, { fund, donorId: linked, asOf });
      funds.push({
        fund: section.fund,
        figures:
          reconciliation.donors.find((d) => d.donor.id === donor.id)?.subtotal.byCurrency ?? [],
        grantUse: section.grantUse,
        earmarks: attribution.donors.find((d) => d.donor.id === donor.id)?.earmarks ?? [],
      });
      for (const due of section.instalmentsDue) {
        instalmentsDue.push({ ...due, fund, pledgeId: pledgeIds.get(due.pledgeReference) ?? null });
      }
    }
    instalmentsDue.sort(
      (a, b) =>
        compare(a.dueDate, b.dueDate) ||
        compare(a.pledgeReference, b.pledgeReference) ||
        a.seq - b.seq,
    );
    // The receipts list reads no actor: the donor named here is what keeps it to this donor.
    const payments = await this.receipts.list(actor, { donorId: linked, limit: LIST_LIMIT });
    const statements = await this.documents.list(actor, 'statement', {
      donorId: linked,
      limit: LIST_LIMIT,
    });
    const acknowledgements = await this.documents.list(actor, 'acknowledgement', {
      donorId: linked,
      limit: LIST_LIMIT,
    });
    return {
      donor: { id: donor.id, name: donor.name },
      asOf,
      funds,
      pledges: pledges.items,
      payments: payments.items.filter((receipt) => receipt.donor?.id === donor.id),
      instalmentsDue,
      statements: statements.items,
      acknowledgements: acknowledgements.items,
    };
  }

  /** One pledge of a linked donor with the payments allocated to it; 404 for any other. */
  async pledge(actor: Actor, id: string): Promise<PortalPledge> {
    const pledge = await this.pledges.get(actor, id, {});
    // A user with a staff role besides the donor one reads every pledge through the service:
    // the portal still shows only the pledges of the donors the user is linked to.
    const linked = linkedId(actor, pledge.donor.id);
    if (linked === undefined) throw new PledgeNotFoundError(id);
    const reconciliation = await this.reconciliation.report(actor, {
      fund: pledge.fund,
      donorId: linked,
      asOf: pledge.asOf,
    });
    const line = reconciliation.donors
      .flatMap((donor) => donor.pledges)
      .find((candidate) => candidate.pledgeId === pledge.id);
    const payments = [...(line?.allocations ?? [])].sort(
      (a, b) => compare(a.allocatedOn, b.allocatedOn) || compare(a.receiptNumber, b.receiptNumber),
    );
    return { donor: pledge.donor, pledge, payments };
  }
}

/** The actor's own spelling of a donor id it is linked to (services compare ids as given). */
function linkedId(actor: Actor, donorId: string): string | undefined {
  const wanted = donorId.toLowerCase();
  return actor.donorIds.find((id) => id.toLowerCase() === wanted);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
