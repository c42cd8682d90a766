import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditChange } from '../audit/audit.types';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { CalendarDate, todayUtc } from '../common/calendar-date';
import { FieldError } from '../common/errors/problem';
import { IdempotencyRequest } from '../common/idempotency/idempotency-key.decorator';
import { IdempotencyService } from '../common/idempotency/idempotency.service';
import { IdempotentResult } from '../common/idempotency/idempotent-result';
import { isUuid } from '../common/uuid';
import { nextGaplessNumbers } from '../database/gapless-counter';
import { driverError } from '../database/sql-state';
import { FundNotFoundError } from '../funds/funds.errors';
import { FundRow } from '../funds/funds.repository';
import { FundsService } from '../funds/funds.service';
import { JournalService } from '../ledger/journal.service';
import { toEntryResponse } from '../ledger/journal-entry-response';
import { LedgerService } from '../ledger/ledger.service';
import { PostingLine } from '../ledger/ledger.types';
import { parsePositiveAmount } from '../money/amount-field';
import { isSupportedCurrency } from '../money/currency';
import { Money } from '../money/money';
import { Rate } from '../money/rate';
import { PledgeViewsService } from '../pledges/pledge-views.service';
import { PledgesRepository } from '../pledges/pledges.repository';
import { RatesService } from '../rates/rates.service';
import {
  ExplicitAllocation,
  OpenSlot,
  PlannedPart,
  planAuto,
  planExplicit,
  referencesIn,
} from './allocation-plan';
import {
  AllocateReceiptRequest,
  AllocationRequest,
  AssignDonorRequest,
  ListReceiptsQuery,
  OpenInstalmentResponse,
  ReceiptPageResponse,
  ReceiptResponse,
  RecordReceiptRequest,
} from './dto/receipt.dto';
import {
  AllocationPart,
  allocationLines,
  Carried,
  RECEIPT,
  RECEIPT_ALLOCATION,
  RECEIPT_DONOR,
  receiptValue,
  recordingLines,
  shareOf,
  splitValue,
  unappliedLine,
} from './receipt-posting';
import { toReceiptResponse, toReceiptSummary } from './receipt-response';
import {
  DonorAlreadyKnownError,
  DuplicateReceiptError,
  InvalidReceiptError,
  NothingToAllocateError,
  ReceiptNotFoundError,
  ReceiptReversedError,
  ReceiptUnidentifiedError,
} from './receipts.errors';
import {
  BankAccountRef,
  NewAllocation,
  NewReceipt,
  newAllocationRows,
  newReceiptRow,
  ReceiptRow,
  ReceiptsRepository,
} from './receipts.repository';

const DEFAULT_FUND = 'WSIS-TF';
const DEFAULT_LIMIT = 50;
/** Reads what is open on a pledge whatever the date of what was paid. */
const ALL_DATES = '9999-12-31';

/** A receipt that is still to be posted, once everything about it was checked. */
interface PreparedReceipt {
  id: string;
  fund: FundRow;
  bank: BankAccountRef;
  gross: Money;
  charges: Money;
  rate: Rate;
  donorId: string | null;
  /** As read when the request was checked. */
  donorName: string | null;
  parts: Array<AllocationPart & PlannedPart>;
}

/**
 * Receipts: money that arrived on a fund's bank account, recorded at the amount actually
 * received (gross, and the charges banks deducted), applied to pledge instalments explicitly or
 * oldest due first, the rest kept as the donor's unapplied credit (or in suspense while the donor
 * is unknown). Each action posts one entry through the ledger in the same transaction as the
 * receipt's own records and its audit record. Money is consumed under row locks: the receipt
 * first, then the pledges in id order, so that concurrent allocations queue and none can take
 * more than is open.
 */
@Injectable()
export class ReceiptsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyService,
    private readonly funds: FundsService,
    private readonly ledger: LedgerService,
    private readonly journal: JournalService,
    private readonly rates: RatesService,
    private readonly audit: AuditService,
    private readonly repository: ReceiptsRepository,
    private readonly pledges: PledgesRepository,
    private readonly pledgeViews: PledgeViewsService,
  ) {}

  record(
    actor: Actor,
    request: RecordReceiptRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ReceiptResponse>> {
    return this.idempotency.run(actor, idempotency, 201, async (manager) => {
      const { receipt, audit } = await this.recordIn(manager, actor, request, {});
      await this.audit.record(manager, actor, audit);
      return receipt;
    });
  }

  /**
   * Records a receipt in the caller's transaction (a batch records many in one). The audit
   * record is returned, not written: the caller writes it last in its unit of work.
   */
  async recordIn(
    manager: EntityManager,
    actor: Actor,
    request: RecordReceiptRequest,
    options: { batchId?: string },
  ): Promise<{ receipt: ReceiptResponse; audit: AuditChange }> {
    const prepared = await this.prepareRecord(manager, request);
    const { id, fund, gross, charges, rate, parts } = prepared;
    const allocated = Money.sum(
      gross.currency,
      parts.map((part) => part.receiptAmount),
    );
    const unapplied = gross.subtract(allocated);
    const value = receiptValue(gross, charges, rate, fund.functional_currency);
    const values = splitValue(
      value.grossFunctional,
      [...parts.map((part) => part.receiptAmount), unapplied],
      rate,
    );
    const valued = parts.map((part, index) => ({ ...part, value: values[index] }));
    const year = Number(request.valueDate.slice(0, 4));
    // Everything that does not need the receipt's number comes first: from the number on, the
    // counter rows (receipt, journal) are locked until commit and every other receipt of the
    // fund and year waits.
    const accounts = await this.funds.accounts(manager, fund.id);
    await this.ledger.lockPeriod(manager, actor, fund, request.valueDate);
    // The receipt's number and its entry's (same fund, the value date's year), in one round trip.
    const [receiptSequence, journalSequence] = await nextGaplessNumbers(
      manager,
      ['receipt', 'journal'],
      fund.id,
      year,
    );
    const number = `RCT-${year}-${String(receiptSequence).padStart(6, '0')}`;
    const posted = await this.ledger.post(
      manager,
      actor,
      fund,
      accounts,
      {
        fundId: fund.id,
        date: request.valueDate,
        description:
          `Receipt ${number}` +
          (request.remitterName === undefined ? '' : ` from ${request.remitterName}`) +
          (request.bankReference === undefined ? '' : ` (${request.bankReference})`),
        sourceType: RECEIPT,
        sourceRef: id,
        idempotencyKey: `${RECEIPT}:${id}`,
        lines: recordingLines({
          receiptId: id,
          bankAccountId: prepared.bank.id,
          donorId: prepared.donorId,
          gross,
          charges,
          value,
          parts: valued,
          unapplied,
          unappliedValue: values[values.length - 1],
          functionalCurrency: fund.functional_currency,
        }),
      },
      { periodLocked: true, sequence: journalSequence },
    );
    const inserted: NewReceipt = {
      id,
      fundId: fund.id,
      number,
      bankAccountId: prepared.bank.id,
      valueDate: request.valueDate,
      currency: gross.currency,
      grossMinor: gross.minor,
      chargesMinor: charges.minor,
      rate: gross.currency === fund.functional_currency ? null : rate.toDecimalString(12),
      grossFunctionalMinor: value.grossFunctional.minor,
      chargesFunctionalMinor: value.chargesFunctional.minor,
      donorId: prepared.donorId,
      remitterName: request.remitterName ?? null,
      remittanceText: request.remittanceText ?? null,
      bankReference: request.bankReference ?? null,
      batchId: options.batchId ?? null,
      entryId: posted.id,
      createdBy: actor.id,
    };
    const allocations = valued.map((part) => ({
      ...this.newAllocation(fund, id, part, request.valueDate, posted.id, actor),
      pledgeReference: part.slot.pledge.reference,
      pledgeCurrency: part.pledge.currency,
    }));
    let createdAt: Date;
    try {
      ({ createdAt } = await this.repository.insert(manager, inserted, allocations));
    } catch (error) {
      if (driverError(error)?.constraint === 'receipt_bank_reference_key') {
        throw new DuplicateReceiptError(request.bankReference ?? '', 'another receipt');
      }
      throw error;
    }
    // The answer and the audit record are built from what was just written, not read back: the
    // counters are held until commit, and every read here would make the next receipt wait.
    const receipt = toReceiptResponse(
      newReceiptRow(
        { ...inserted, createdAt },
        {
          fundCode: fund.code,
          functionalCurrency: fund.functional_currency,
          bankAccountCode: prepared.bank.code,
          bankAccountName: prepared.bank.name,
          donorName: prepared.donorName,
        },
        posted.lines,
        allocations,
      ),
      newAllocationRows(allocations),
      [],
      [toEntryResponse(posted.entry, posted.lines)],
    );
    return {
      receipt,
      audit: {
        action: 'receipt.record',
        entityType: 'receipt',
        entityId: id,
        after: auditView(receipt),
      },
    };
  }

  /** Applies unapplied money of a receipt to instalments: explicitly, or oldest due first. */
  allocate(
    actor: Actor,
    id: string,
    request: AllocateReceiptRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ReceiptResponse>> {
    return this.idempotency.run(actor, idempotency, 200, async (manager) => {
      const before = await this.lockReceipt(manager, id);
      assertNotReversed(before);
      if (before.donor_id === null) throw new ReceiptUnidentifiedError(before.number);
      const date = request.date ?? todayUtc();
      const errors: FieldError[] = [];
      if (date < before.value_date) {
        errors.push({
          field: 'date',
          rule: 'notBeforeValueDate',
          reason: `must be on or after the value date of the receipt, ${before.value_date}`,
        });
      }
      if (request.allocations !== undefined && request.allocation !== undefined) {
        errors.push({
          field: 'allocation',
          rule: 'oneOf',
          reason: "give either allocations or allocation: 'auto', not both",
        });
      }
      const unapplied: Carried = {
        minor: BigInt(before.unapplied_minor),
        functionalMinor: BigInt(before.unapplied_functional_minor),
      };
      if (unapplied.minor <= 0n) {
        throw new NothingToAllocateError(before.number, 'all of it is already applied or refunded');
      }
      const fund = await this.funds.requireFund(manager, before.fund_code);
      const explicit = parseAllocations(request.allocations);
      if (errors.length > 0) throw new InvalidReceiptError(errors);
      const parts = await this.plan(manager, fund, {
        donorId: before.donor_id,
        remittanceText: before.remittance_text,
        currency: before.currency,
        valueDate: before.value_date,
        date,
        available: Money.of(unapplied.minor, before.currency),
        explicit,
      });
      if (parts.length === 0) {
        throw new NothingToAllocateError(
          before.number,
          'the donor has nothing open to apply it to (no agreed pledge with an amount due)',
        );
      }
      // Each part takes its share of the unapplied credit at the value it is carried at.
      let carried = unapplied;
      const valued = parts.map((part) => {
        const valueMinor = shareOf(carried, part.receiptAmount.minor);
        carried = {
          minor: carried.minor - part.receiptAmount.minor,
          functionalMinor: carried.functionalMinor - valueMinor,
        };
        return { ...part, value: Money.of(valueMinor, fund.functional_currency) };
      });
      const taken: Carried = {
        minor: unapplied.minor - carried.minor,
        functionalMinor: unapplied.functionalMinor - carried.functionalMinor,
      };
      const count = await this.repository.allocationEntryCount(manager, before.id);
      const lines: PostingLine[] = [
        unappliedLine(
          { receiptId: before.id, bankAccountId: before.bank_account_id, donorId: before.donor_id },
          Money.of(taken.minor, before.currency),
          Money.of(taken.functionalMinor, fund.functional_currency),
        ),
        ...valued.flatMap((part) => allocationLines(part, before.id, fund.functional_currency)),
      ];
      const posted = await this.ledger.post(
        manager,
        actor,
        fund,
        await this.funds.accounts(manager, fund.id),
        {
          fundId: fund.id,
          date,
          description: `Allocation of receipt ${before.number} to ${describeParts(valued)}`,
          sourceType: RECEIPT_ALLOCATION,
          sourceRef: before.id,
          idempotencyKey: `${RECEIPT_ALLOCATION}:${before.id}:${count + 1}`,
          lines,
        },
      );
      await this.repository.insertAllocations(
        manager,
        valued.map((part) => this.newAllocation(fund, before.id, part, date, posted.id, actor)),
      );
      return this.audited(manager, actor, 'receipt.allocate', before);
    });
  }

  /** Names the donor of an unidentified receipt: its money moves from suspense to their credit. */
  assignDonor(
    actor: Actor,
    id: string,
    request: AssignDonorRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ReceiptResponse>> {
    return this.idempotency.run(actor, idempotency, 200, async (manager) => {
      const before = await this.lockReceipt(manager, id);
      assertNotReversed(before);
      if (before.donor_id !== null) {
        throw new DonorAlreadyKnownError(before.number, before.donor_name ?? before.donor_id);
      }
      const date = request.date ?? laterOf(todayUtc(), before.value_date);
      const errors: FieldError[] = [];
      if (date < before.value_date) {
        errors.push({
          field: 'date',
          rule: 'notBeforeValueDate',
          reason: `must be on or after the value date of the receipt, ${before.value_date}`,
        });
      }
      if ((await this.repository.donorName(manager, request.donorId)) === undefined) {
        errors.push({ field: 'donorId', rule: 'exists', reason: 'there is no such donor' });
      }
      if (errors.length > 0) throw new InvalidReceiptError(errors);
      const fund = await this.funds.requireFund(manager, before.fund_code);
      const held: Carried = {
        minor: BigInt(before.unapplied_minor),
        functionalMinor: BigInt(before.unapplied_functional_minor),
      };
      let entryId: string | undefined;
      if (held.minor !== 0n || held.functionalMinor !== 0n) {
        const amount = Money.of(held.minor, before.currency);
        const functional = Money.of(held.functionalMinor, fund.functional_currency);
        const receipt = { receiptId: before.id, bankAccountId: before.bank_account_id };
        const posted = await this.ledger.post(
          manager,
          actor,
          fund,
          await this.funds.accounts(manager, fund.id),
          {
            fundId: fund.id,
            date,
            description: `Receipt ${before.number} identified: from ${await this.repository.donorName(manager, request.donorId)}`,
            sourceType: RECEIPT_DONOR,
            sourceRef: before.id,
            idempotencyKey: `${RECEIPT_DONOR}:${before.id}`,
            lines: [
              unappliedLine({ ...receipt, donorId: null }, amount, functional),
              unappliedLine(
                { ...receipt, donorId: request.donorId },
                amount.negate(),
                functional.negate(),
              ),
            ],
          },
        );
        entryId = posted.id;
      }
      if (!(await this.repository.assignDonor(manager, before.id, request.donorId))) {
        throw new DonorAlreadyKnownError(before.number, 'another donor');
      }
      await this.repository.insertEvent(manager, {
        receiptId: before.id,
        kind: 'donor-assigned',
        effectiveOn: date,
        donorId: request.donorId,
        entryId,
        actor: actor.id,
      });
      return this.audited(manager, actor, 'receipt.assign-donor', before);
    });
  }

  async get(_actor: Actor, id: string): Promise<ReceiptResponse> {
    const manager = this.dataSource.manager;
    await this.findReceipt(manager, id);
    return this.detail(manager, id);
  }

  async list(_actor: Actor, query: ListReceiptsQuery): Promise<ReceiptPageResponse> {
    const manager = this.dataSource.manager;
    let fundId: string | undefined;
    if (query.fund !== undefined) {
      const errors: FieldError[] = [];
      fundId = (await this.fundOrFieldError(manager, query.fund, errors))?.id;
      if (errors.length > 0) throw new InvalidReceiptError(errors);
    }
    const limit = query.limit ?? DEFAULT_LIMIT;
    const offset = query.offset ?? 0;
    const { rows, total } = await this.repository.list(
      manager,
      {
        fundId,
        queue: query.queue,
        donorIds: query.donorId === undefined ? undefined : [query.donorId],
        bankAccountCode: query.bankAccount,
        from: query.from,
        to: query.to,
      },
      { limit, offset },
    );
    return { items: rows.map(toReceiptSummary), total, limit, offset };
  }

  /** What the receipt's money may still be applied to, oldest due first, named pledges first. */
  async openInstalments(_actor: Actor, id: string): Promise<OpenInstalmentResponse[]> {
    const manager = this.dataSource.manager;
    const receipt = await this.findReceipt(manager, id);
    if (receipt.donor_id === null || receipt.reversed_on !== null) return [];
    const fund = await this.funds.requireFund(manager, receipt.fund_code);
    const { slots } = await this.openSlots(manager, fund, {
      donorId: receipt.donor_id,
      remittanceText: receipt.remittance_text,
      date: laterOf(todayUtc(), receipt.value_date),
      lock: false,
    });
    return slots
      .sort((a, b) => (a.named === b.named ? 0 : a.named ? -1 : 1))
      .map((slot) => ({
        pledgeId: slot.pledge.id,
        pledgeReference: slot.pledge.reference,
        earmark: slot.earmark,
        instalment: slot.seq,
        dueDate: slot.dueDate,
        amountDue: slot.due.toJSON(),
        named: slot.named,
      }));
  }

  /** The receipt as it now is, with its allocations, events and entries. */
  async detail(manager: EntityManager, id: string): Promise<ReceiptResponse> {
    const row = await this.findReceipt(manager, id);
    const entries = [];
    for (const entryId of await this.repository.entryIds(manager, id)) {
      entries.push(await this.journal.read(manager, entryId));
    }
    return toReceiptResponse(
      row,
      await this.repository.allocations(manager, id),
      await this.repository.events(manager, id),
      entries,
    );
  }

  /** Locks the receipt and reads it; 404 for an unknown id. */
  async lockReceipt(manager: EntityManager, id: string): Promise<ReceiptRow> {
    const row = isUuid(id) ? await this.repository.lock(manager, id) : undefined;
    if (row === undefined) throw new ReceiptNotFoundError(id);
    return row;
  }

  /** The receipt as it now is, audited last in the unit of work, and the answer to the caller. */
  async audited(
    manager: EntityManager,
    actor: Actor,
    action: string,
    before: ReceiptRow,
  ): Promise<ReceiptResponse> {
    const after = await this.detail(manager, before.id);
    await this.audit.record(manager, actor, {
      action,
      entityType: 'receipt',
      entityId: before.id,
      before: auditView(toReceiptSummary(before)),
      after: auditView(after),
    });
    return after;
  }

  private async prepareRecord(
    manager: EntityManager,
    request: RecordReceiptRequest,
  ): Promise<PreparedReceipt> {
    const errors: FieldError[] = [];
    const fund = await this.fundOrFieldError(manager, request.fund ?? DEFAULT_FUND, errors);
    const bank =
      fund === undefined
        ? undefined
        : await this.repository.bankAccount(manager, fund.id, request.bankAccount);
    if (fund !== undefined && bank === undefined) {
      errors.push({
        field: 'bankAccount',
        rule: 'exists',
        reason: `fund ${fund.code} has no bank account ${request.bankAccount}`,
      });
    }
    if (!isSupportedCurrency(request.currency)) {
      errors.push({
        field: 'currency',
        rule: 'isCurrency',
        reason: `${String(request.currency)} is not a supported ISO 4217 currency`,
      });
    } else if (bank !== undefined && bank.currency !== request.currency) {
      errors.push({
        field: 'currency',
        rule: 'bankAccountCurrency',
        reason: `bank account ${bank.code} is in ${bank.currency}`,
      });
    }
    const currencyKnown = isSupportedCurrency(request.currency);
    const gross = currencyKnown
      ? parsePositiveAmount('grossAmount', request.grossAmount, request.currency, errors)
      : undefined;
    let charges: Money | undefined = currencyKnown ? Money.zero(request.currency) : undefined;
    if (currencyKnown && request.bankCharges !== undefined) {
      try {
        charges = Money.parse(request.bankCharges, request.currency);
      } catch (error) {
        charges = undefined;
        errors.push({
          field: 'bankCharges',
          rule: 'amount',
          reason: error instanceof Error ? error.message : String(error),
        });
      }
    }
    if (gross !== undefined && charges !== undefined && charges.compare(gross) >= 0) {
      errors.push({
        field: 'bankCharges',
        rule: 'lessThanGross',
        reason: `must be less than the gross amount ${gross.toString()}`,
      });
    }
    if (request.valueDate > todayUtc()) {
      errors.push({
        field: 'valueDate',
        rule: 'notInFuture',
        reason:
          'a receipt is recorded once the money has arrived: the value date is not after today',
      });
    }
    const donorId = request.donorId ?? null;
    const donorName =
      donorId === null ? undefined : await this.repository.donorName(manager, donorId);
    if (donorId !== null && donorName === undefined) {
      errors.push({ field: 'donorId', rule: 'exists', reason: 'there is no such donor' });
    }
    if (donorId === null && (request.allocations !== undefined || request.allocation === 'auto')) {
      errors.push({
        field: request.allocations !== undefined ? 'allocations' : 'allocation',
        rule: 'donorKnown',
        reason: 'a receipt from an unknown donor stays in suspense until its donor is assigned',
      });
    }
    if (request.allocations !== undefined && request.allocation !== undefined) {
      errors.push({
        field: 'allocation',
        rule: 'oneOf',
        reason: 'give either allocations or allocation, not both',
      });
    }
    const explicit = parseAllocations(request.allocations);
    const duplicate =
      request.bankReference === undefined || bank === undefined
        ? undefined
        : await this.existingReference(manager, bank.id, request.bankReference);
    if (duplicate !== undefined) {
      throw new DuplicateReceiptError(request.bankReference as string, duplicate);
    }
    if (errors.length > 0) throw new InvalidReceiptError(errors);
    const validFund = fund as FundRow;
    const validGross = gross as Money;
    const { rate } = await this.rates.rate(
      validGross.currency,
      validFund.functional_currency,
      request.valueDate,
      manager,
    );
    const mode =
      request.allocations !== undefined
        ? 'explicit'
        : (request.allocation ?? (donorId === null ? 'none' : 'auto'));
    const planned =
      donorId === null || mode === 'none'
        ? []
        : await this.plan(manager, validFund, {
            donorId,
            remittanceText: request.remittanceText ?? null,
            currency: validGross.currency,
            valueDate: request.valueDate,
            date: request.valueDate,
            available: validGross,
            explicit,
          });
    return {
      id: randomUUID(),
      fund: validFund,
      bank: bank as BankAccountRef,
      gross: validGross,
      charges: charges as Money,
      rate,
      donorId,
      donorName: donorName ?? null,
      parts: planned.map((part) => ({ ...part, value: Money.zero(validFund.functional_currency) })),
    };
  }

  /**
   * The parts a receipt's money goes to, with the receivable each relieves: pledges locked,
   * what is open read, explicit allocations checked (or the automatic plan made), rates of the
   * value date for pledges in another currency. Parts come back without their value, which
   * depends on where the money comes from (the receipt itself, or its unapplied credit).
   */
  private async plan(
    manager: EntityManager,
    fund: FundRow,
    input: {
      donorId: string;
      remittanceText: string | null;
      currency: string;
      valueDate: CalendarDate;
      date: CalendarDate;
      available: Money;
      explicit: ExplicitAllocation[] | undefined;
    },
  ): Promise<Array<PlannedPart & Omit<AllocationPart, 'value'>>> {
    const { slots, carried } = await this.openSlots(manager, fund, {
      donorId: input.donorId,
      remittanceText: input.remittanceText,
      date: input.date,
      lock: true,
    });
    const rates = new Map<string, Rate>();
    for (const currency of new Set(slots.map((slot) => slot.due.currency))) {
      if (currency === input.currency) continue;
      // The documented rule: another currency than the pledge's is applied at the rate of the value date.
      rates.set(
        currency,
        (await this.rates.rate(input.currency, currency, input.valueDate, manager)).rate,
      );
    }
    let planned: PlannedPart[];
    if (input.explicit === undefined) {
      planned = planAuto(slots, input.available, rates);
    } else {
      const { parts, errors } = planExplicit(slots, input.explicit, input.available, rates);
      if (errors.length > 0) throw new InvalidReceiptError(errors);
      planned = parts;
    }
    // Each part takes its share of the pledge's receivable at the value it was booked at.
    return planned.map((part) => {
      const pledgeCarried = carried.get(part.slot.pledge.id) as Carried;
      const relievedMinor = shareOf(pledgeCarried, part.pledgeAmount.minor);
      carried.set(part.slot.pledge.id, {
        minor: pledgeCarried.minor - part.pledgeAmount.minor,
        functionalMinor: pledgeCarried.functionalMinor - relievedMinor,
      });
      return {
        ...part,
        pledge: part.slot.pledge,
        seq: part.slot.seq,
        relieved: Money.of(relievedMinor, fund.functional_currency),
      };
    });
  }

  /**
   * The instalments of the donor's pledges in the fund that still ask for money: agreed on or
   * before `date`, not ended, with an amount due (after everything paid, whatever its date). With
   * `lock`, the pledges are locked first (in id order), so that what is read stays true until
   * the transaction ends. Also the receivable each pledge carries, in its currency.
   */
  private async openSlots(
    manager: EntityManager,
    fund: FundRow,
    input: { donorId: string; remittanceText: string | null; date: CalendarDate; lock: boolean },
  ): Promise<{ slots: Array<OpenSlot & { earmark: string }>; carried: Map<string, Carried> }> {
    const ids = await this.repository.openPledgeIds(manager, fund.id, input.donorId);
    if (input.lock) await this.repository.lockPledges(manager, ids);
    const { rows } = await this.pledges.list(
      manager,
      { fundId: fund.id, donorIds: [input.donorId], announcedBy: ALL_DATES },
      { by: 'reference', descending: false },
    );
    const open = rows.filter(
      (row) => ids.includes(row.id) && row.agreed_on !== null && row.agreed_on <= input.date,
    );
    const named = new Set(referencesIn(input.remittanceText));
    const slots: Array<OpenSlot & { earmark: string }> = [];
    const carried = new Map<string, Carried>();
    for (const { row, view } of await this.pledgeViews.views(manager, open, ALL_DATES)) {
      carried.set(row.id, {
        minor: view.totals.outstanding.minor,
        functionalMinor: view.totals.outstandingFunctional.minor,
      });
      if (!view.totals.outstanding.isPositive()) continue;
      for (const instalment of view.instalments) {
        if (!instalment.amountDue.isPositive()) continue;
        slots.push({
          pledge: {
            id: row.id,
            reference: row.reference,
            donorId: row.donor_id,
            earmarkId: row.earmark_id,
            currency: row.currency,
          },
          earmark: row.earmark_code,
          seq: instalment.seq,
          dueDate: instalment.dueDate,
          due: instalment.amountDue,
          named: named.has(row.reference),
        });
      }
    }
    return { slots, carried };
  }

  private newAllocation(
    fund: FundRow,
    receiptId: string,
    part: AllocationPart,
    on: CalendarDate,
    entryId: string,
    actor: Actor,
  ): NewAllocation {
    return {
      id: randomUUID(),
      fundId: fund.id,
      receiptId,
      pledgeId: part.pledge.id,
      donorId: part.pledge.donorId,
      seq: part.seq,
      allocatedOn: on,
      amountMinor: part.receiptAmount.minor,
      pledgeAmountMinor: part.pledgeAmount.minor,
      valueMinor: part.value.minor,
      relievedMinor: part.relieved.minor,
      entryId,
      createdBy: actor.id,
    };
  }

  private async existingReference(
    manager: EntityManager,
    bankAccountId: string,
    reference: string,
  ): Promise<string | undefined> {
    const rows = await manager.query<{ number: string }[]>(
      `SELECT number FROM receipt WHERE bank_account_id = $1 AND bank_reference = $2`,
      [bankAccountId, reference],
    );
    return rows[0]?.number;
  }

  private async findReceipt(manager: EntityManager, id: string): Promise<ReceiptRow> {
    const row = isUuid(id) ? await this.repository.find(manager, id) : undefined;
    if (row === undefined) throw new ReceiptNotFoundError(id);
    return row;
  }

  private async fundOrFieldError(
    manager: EntityManager,
    code: string,
    errors: FieldError[],
  ): Promise<FundRow | undefined> {
    try {
      return await this.funds.requireFund(manager, code);
    } catch (error) {
      if (!(error instanceof FundNotFoundError)) throw error;
      errors.push({ field: 'fund', rule: 'exists', reason: `there is no fund ${code}` });
      return undefined;
    }
  }
}

/** Explicit allocations as asked; amounts are read once each pledge (and its currency) is known. */
function parseAllocations(
  requests: readonly AllocationRequest[] | undefined,
): ExplicitAllocation[] | undefined {
  return requests?.map((request) => ({
    pledgeId: request.pledgeId,
    instalment: request.instalment,
    amount: request.amount,
  }));
}

export function assertNotReversed(receipt: ReceiptRow): void {
  if (receipt.reversed_on !== null)
    throw new ReceiptReversedError(receipt.number, receipt.reversed_on);
}

function laterOf(a: CalendarDate, b: CalendarDate): CalendarDate {
  return a > b ? a : b;
}

function describeParts(parts: ReadonlyArray<PlannedPart>): string {
  return [...new Set(parts.map((part) => part.slot.pledge.reference))].join(', ');
}

/** What the audit trail keeps of a receipt: its state, not its journal entries. */
function auditView(receipt: object): object {
  return Object.fromEntries(Object.entries(receipt).filter(([key]) => key !== 'entries'));
}
