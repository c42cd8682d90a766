import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { AuditChange } from '../../audit/audit.types';
import { Actor } from '../../common/actor';
import { AppError } from '../../common/errors/app-error';
import { translateDatabaseError } from '../../common/errors/database-errors';
import { FieldError } from '../../common/errors/problem';
import { IdempotencyRequest } from '../../common/idempotency/idempotency-key.decorator';
import { IdempotencyService } from '../../common/idempotency/idempotency.service';
import { IdempotentResult } from '../../common/idempotency/idempotent-result';
import { isUuid } from '../../common/uuid';
import { FundNotFoundError } from '../../funds/funds.errors';
import { FundRow } from '../../funds/funds.repository';
import { FundsService } from '../../funds/funds.service';
import { parsePositiveAmount } from '../../money/amount-field';
import { Money } from '../../money/money';
import { RecordReceiptRequest } from '../dto/receipt.dto';
import { ReceiptsService } from '../receipts.service';
import {
  BatchReceiptLine,
  BatchReceiptRef,
  CreateReceiptBatchRequest,
  ListReceiptBatchesQuery,
  PostReceiptBatchRequest,
  ReceiptBatchPageResponse,
  ReceiptBatchResponse,
  ReceiptBatchSummaryResponse,
  ReplaceBatchReceiptsRequest,
  SaveReceiptBatchDraftRequest,
  UpdateReceiptBatchRequest,
} from './dto/receipt-batch.dto';
import {
  InvalidReceiptBatchError,
  ReceiptBatchDisagreesError,
  ReceiptBatchEmptyError,
  ReceiptBatchLineRefusedError,
  ReceiptBatchNotFoundError,
  ReceiptBatchPostedError,
} from './receipt-batches.errors';
import { BatchRow, ReceiptBatchesRepository, StoredBatchLine } from './receipt-batches.repository';

const DEFAULT_FUND = 'WSIS-TF';
const DEFAULT_LIMIT = 50;

/** Entered against declared, in the bank account's currency. */
export interface BatchTotals {
  declaredCount: number;
  declaredTotal: Money;
  enteredCount: number;
  enteredTotal: Money;
  countDifference: number;
  totalDifference: Money;
  agrees: boolean;
}

/**
 * Batches of receipts entered by hand from a bank's paper or e-mail list, with the count and
 * total the list declares. A batch is a draft, saved and resumed as often as needed, until it is
 * posted: in one transaction, only when the receipts entered agree with both declared figures
 * (or with an explicit override and its reason), every receipt recorded through ReceiptsService
 * or none of them.
 */
@Injectable()
export class ReceiptBatchesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyService,
    private readonly funds: FundsService,
    private readonly receipts: ReceiptsService,
    private readonly audit: AuditService,
    private readonly repository: ReceiptBatchesRepository,
  ) {}

  /** Opens a draft batch on a bank account of a fund, with the receipts entered so far. */
  create(
    actor: Actor,
    request: CreateReceiptBatchRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ReceiptBatchResponse>> {
    return this.idempotency.run(actor, idempotency, 201, async (manager) => {
      const errors: FieldError[] = [];
      const fund = await this.fundOf(manager, request.fund ?? DEFAULT_FUND, errors);
      const account =
        fund === undefined
          ? undefined
          : await this.repository.bankAccount(manager, fund.id, request.bankAccount);
      if (fund !== undefined && account === undefined) {
        errors.push({
          field: 'bankAccount',
          rule: 'exists',
          reason: `fund ${fund.code} has no bank account ${request.bankAccount}`,
        });
      }
      if (fund === undefined || account === undefined) throw new InvalidReceiptBatchError(errors);
      const declaredTotal = parsePositiveAmount(
        'declaredTotal',
        request.declaredTotal,
        account.currency,
        errors,
      );
      const lines = storedLines(request.receipts ?? [], account.currency, errors);
      if (declaredTotal === undefined || errors.length > 0) {
        throw new InvalidReceiptBatchError(errors);
      }
      const id = await this.repository.insert(manager, {
        fundId: fund.id,
        bankAccountId: account.id,
        description: request.description.trim(),
        declaredCount: request.declaredCount,
        declaredTotalMinor: declaredTotal.minor,
        lines,
        createdBy: actor.id,
      });
      const created = await this.detail(manager, id);
      await this.audit.record(manager, actor, {
        action: 'receipt-batch.create',
        entityType: 'receipt-batch',
        entityId: id,
        after: auditView(created),
      });
      return created;
    });
  }

  async get(_actor: Actor, id: string): Promise<ReceiptBatchResponse> {
    return this.detail(this.dataSource.manager, id);
  }

  async list(_actor: Actor, query: ListReceiptBatchesQuery): Promise<ReceiptBatchPageResponse> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const offset = query.offset ?? 0;
    const { rows, total } = await this.repository.list(this.dataSource.manager, {
      status: query.status ?? null,
      fundCode: query.fund ?? null,
      limit,
      offset,
    });
    return { items: rows.map(toSummary), total, limit, offset };
  }

  /** Changes the description or the declared figures of a draft (409 once posted). */
  update(
    actor: Actor,
    id: string,
    request: UpdateReceiptBatchRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ReceiptBatchResponse>> {
    return this.idempotency.run(actor, idempotency, 200, (manager) =>
      this.change(manager, actor, id, request, undefined, 'receipt-batch.update'),
    );
  }

  /** Replaces every line of a draft with those given, in order (409 once posted). */
  replaceReceipts(
    actor: Actor,
    id: string,
    request: ReplaceBatchReceiptsRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ReceiptBatchResponse>> {
    return this.idempotency.run(actor, idempotency, 200, (manager) =>
      this.change(manager, actor, id, {}, request.receipts, 'receipt-batch.receipts.replace'),
    );
  }

  /** The page's "Save draft": declared figures and lines together, in one transaction. */
  saveDraft(
    actor: Actor,
    id: string,
    request: SaveReceiptBatchDraftRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ReceiptBatchResponse>> {
    const { receipts, ...figures } = request;
    return this.idempotency.run(actor, idempotency, 200, (manager) =>
      this.change(manager, actor, id, figures, receipts, 'receipt-batch.update'),
    );
  }

  /**
   * Posts a draft: in one transaction, with the batch row locked, the receipts entered are
   * compared with the declared count and total; when they differ, only an override (its reason
   * stored and audited) lets the batch through. Each line is then recorded, in order, as a
   * receipt of the batch; if any is refused, the whole batch is, naming the line, and nothing is
   * written. The audit records of the receipts and of the batch are written last.
   */
  post(
    actor: Actor,
    id: string,
    request: PostReceiptBatchRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<ReceiptBatchResponse>> {
    return this.idempotency.run(actor, idempotency, 200, async (manager) => {
      const batch = await this.lockDraft(manager, id);
      const before = toResponse(batch, []);
      if (batch.lines.length === 0) throw new ReceiptBatchEmptyError();
      const totals = totalsOf(batch);
      if (!totals.agrees && request.override === undefined) {
        throw new ReceiptBatchDisagreesError(figureText(totals), {
          declared: figuresOf(totals.declaredCount, totals.declaredTotal),
          entered: figuresOf(totals.enteredCount, totals.enteredTotal),
          difference: figuresOf(totals.countDifference, totals.totalDifference),
        });
      }
      const overrideReason = totals.agrees ? null : request.override!.reason.trim();
      assertUniqueBankReferences(batch.lines);

      const audits: AuditChange[] = [];
      const posted: StoredBatchLine[] = [];
      for (const [index, line] of batch.lines.entries()) {
        let recorded: Awaited<ReturnType<ReceiptsService['recordIn']>>;
        try {
          recorded = await this.receipts.recordIn(manager, actor, toRecordRequest(line, batch), {
            batchId: batch.id,
          });
        } catch (error) {
          throw lineRefusal(index, error);
        }
        audits.push(recorded.audit);
        posted.push({
          ...withoutReceipt(line),
          receipt: { id: recorded.receipt.id, number: recorded.receipt.number },
        });
      }
      const marked = await this.repository.markPosted(manager, batch.id, {
        postedBy: actor.id,
        overrideReason,
        lines: posted,
      });
      // The row is locked: only a change made outside this service could get here.
      if (!marked) throw new ReceiptBatchPostedError(batch.id, 'the same moment');
      const after = await this.detail(manager, batch.id);
      await this.audit.recordMany(manager, actor, [
        ...audits,
        {
          action: 'receipt-batch.post',
          entityType: 'receipt-batch',
          entityId: batch.id,
          before: auditView(before),
          after: {
            ...auditView(after),
            override:
              overrideReason === null
                ? null
                : { reason: overrideReason, declared: after.declared, entered: after.entered },
          },
        },
      ]);
      return after;
    });
  }

  private async change(
    manager: EntityManager,
    actor: Actor,
    id: string,
    figures: UpdateReceiptBatchRequest,
    receipts: BatchReceiptLine[] | undefined,
    action: string,
  ): Promise<ReceiptBatchResponse> {
    const batch = await this.lockDraft(manager, id);
    const before = toResponse(batch, []);
    const errors: FieldError[] = [];
    let declaredTotalMinor = BigInt(batch.declared_total_minor);
    if (figures.declaredTotal !== undefined) {
      const parsed = parsePositiveAmount(
        'declaredTotal',
        figures.declaredTotal,
        batch.currency,
        errors,
      );
      if (parsed !== undefined) declaredTotalMinor = parsed.minor;
    }
    const lines =
      receipts === undefined ? batch.lines : storedLines(receipts, batch.currency, errors);
    if (errors.length > 0) throw new InvalidReceiptBatchError(errors);
    await this.repository.updateDraft(manager, batch.id, {
      description: figures.description?.trim() ?? batch.description,
      declaredCount: figures.declaredCount ?? batch.declared_count,
      declaredTotalMinor,
      lines,
    });
    const after = await this.detail(manager, batch.id);
    await this.audit.record(manager, actor, {
      action,
      entityType: 'receipt-batch',
      entityId: batch.id,
      before: auditView(before),
      after: auditView(after),
    });
    return after;
  }

  private async lockDraft(manager: EntityManager, id: string): Promise<BatchRow> {
    const batch = isUuid(id) ? await this.repository.find(manager, id, true) : undefined;
    if (batch === undefined) throw new ReceiptBatchNotFoundError(id);
    if (batch.status !== 'draft') {
      throw new ReceiptBatchPostedError(batch.id, batch.posted_at!.toISOString());
    }
    return batch;
  }

  private async detail(manager: EntityManager, id: string): Promise<ReceiptBatchResponse> {
    const batch = isUuid(id) ? await this.repository.find(manager, id) : undefined;
    if (batch === undefined) throw new ReceiptBatchNotFoundError(id);
    const receipts =
      batch.status === 'posted' ? await this.repository.receipts(manager, batch.id) : [];
    return toResponse(batch, receipts);
  }

  private async fundOf(
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

/**
 * The lines as they are kept: the fields given, amounts read strictly in the bank account's
 * currency (so that the draft's total can always be taken) and written as plain decimals.
 * Problems are added to `errors` as `receipts[i].field`.
 */
export function storedLines(
  lines: readonly BatchReceiptLine[],
  currency: string,
  errors: FieldError[],
): StoredBatchLine[] {
  const stored = lines.map((line, index) => {
    const at = (field: string): string => `receipts[${index}].${field}`;
    const gross = parsePositiveAmount(at('grossAmount'), line.grossAmount, currency, errors);
    let charges: Money | undefined;
    if (line.bankCharges !== undefined) {
      try {
        charges = Money.parse(line.bankCharges, currency);
        if (charges.isNegative()) {
          errors.push({ field: at('bankCharges'), rule: 'min', reason: 'must not be negative' });
        } else if (gross !== undefined && charges.compare(gross) >= 0) {
          errors.push({
            field: at('bankCharges'),
            rule: 'belowGross',
            reason: `must be less than the gross amount ${gross.toString()}`,
          });
        }
      } catch (error) {
        errors.push({
          field: at('bankCharges'),
          rule: 'amount',
          reason: error instanceof Error ? error.message : String(error),
        });
      }
    }
    const kept: StoredBatchLine = {
      valueDate: line.valueDate,
      grossAmount: gross?.toDecimalString() ?? line.grossAmount,
    };
    if (line.bankCharges !== undefined) {
      kept.bankCharges = charges?.toDecimalString() ?? line.bankCharges;
    }
    if (line.donorId !== undefined) kept.donorId = line.donorId.toLowerCase();
    if (line.remitterName !== undefined) kept.remitterName = line.remitterName;
    if (line.remittanceText !== undefined) kept.remittanceText = line.remittanceText;
    if (line.bankReference !== undefined) kept.bankReference = line.bankReference;
    if (line.allocation !== undefined) kept.allocation = line.allocation;
    return kept;
  });
  errors.push(...duplicateReferences(lines));
  return stored;
}

/** Entered against declared; stored amounts always parse (storedLines made sure of it). */
export function totalsOf(batch: BatchRow): BatchTotals {
  const currency = batch.currency;
  const declaredTotal = Money.fromMinor(batch.declared_total_minor, currency);
  const enteredTotal = Money.sum(
    currency,
    batch.lines.map((line) => Money.parse(line.grossAmount, currency)),
  );
  const countDifference = batch.lines.length - batch.declared_count;
  const totalDifference = enteredTotal.subtract(declaredTotal);
  return {
    declaredCount: batch.declared_count,
    declaredTotal,
    enteredCount: batch.lines.length,
    enteredTotal,
    countDifference,
    totalDifference,
    agrees: countDifference === 0 && totalDifference.isZero(),
  };
}

function figureText(totals: BatchTotals) {
  const signed = (money: Money): string =>
    money.isPositive() ? `${money.currency} +${money.toDecimalString()}` : money.toString();
  return {
    enteredCount: totals.enteredCount,
    declaredCount: totals.declaredCount,
    countDifference: totals.countDifference,
    entered: totals.enteredTotal.toString(),
    declared: totals.declaredTotal.toString(),
    totalDifference: signed(totals.totalDifference),
    totalDiffers: !totals.totalDifference.isZero(),
  };
}

function figuresOf(count: number, total: Money) {
  return { count, total: total.toJSON() };
}

function toRecordRequest(line: StoredBatchLine, batch: BatchRow): RecordReceiptRequest {
  return {
    ...withoutReceipt(line),
    fund: batch.fund_code,
    bankAccount: batch.bank_account_code,
    currency: batch.currency,
  };
}

function withoutReceipt(line: StoredBatchLine): Omit<StoredBatchLine, 'receipt'> {
  const rest = { ...line };
  delete rest.receipt;
  return rest;
}

/** Two lines naming one bank reference: refused before anything is recorded. */
function assertUniqueBankReferences(lines: readonly StoredBatchLine[]): void {
  const errors = duplicateReferences(lines);
  if (errors.length > 0) throw new InvalidReceiptBatchError(errors);
}

/** `receipts[j].bankReference` for each line that repeats the reference of an earlier one. */
function duplicateReferences(lines: readonly { bankReference?: string }[]): FieldError[] {
  const first = new Map<string, number>();
  const errors: FieldError[] = [];
  lines.forEach((line, index) => {
    if (line.bankReference === undefined) return;
    const earlier = first.get(line.bankReference);
    if (earlier === undefined) {
      first.set(line.bankReference, index);
      return;
    }
    errors.push({
      field: `receipts[${index}].bankReference`,
      rule: 'unique',
      reason: `the same bank reference as receipts[${earlier}]: a credit is entered once`,
    });
  });
  return errors;
}

/**
 * A line's refusal as the batch's: the service's field errors named under `receipts[i].`, or
 * the whole line when the error names no field. Errors that are not the request's fault (the
 * database unavailable, a serialization failure to retry) go through unchanged.
 */
export function lineRefusal(index: number, error: unknown): unknown {
  let cause: AppError | undefined;
  if (error instanceof AppError) {
    cause = error;
  } else {
    const translated = translateDatabaseError(error);
    if (translated !== undefined && (translated.status === 409 || translated.status === 422)) {
      cause = translated;
    }
  }
  if (cause === undefined || cause.status >= 500 || cause.status === 401 || cause.status === 403) {
    return error;
  }
  const prefix = `receipts[${index}]`;
  const at = (field: string | undefined): string =>
    field === undefined || field === '' ? prefix : `${prefix}.${LINE_FIELD_OF[field] ?? field}`;
  const constraint = cause.extensions.constraint;
  const errors: FieldError[] =
    cause.errors !== undefined && cause.errors.length > 0
      ? cause.errors.map((given) => ({ ...given, field: at(given.field) }))
      : [
          {
            field: at(
              constraint === 'receipt_bank_reference_key'
                ? 'bankReference'
                : LINE_FIELD_OF_CAUSE[cause.code],
            ),
            rule: cause.code,
            reason: cause.detail,
          },
        ];
  return new ReceiptBatchLineRefusedError(index, cause, errors);
}

/** A line's accounting date is its value date: the ledger's `date` is the line's `valueDate`. */
const LINE_FIELD_OF: Record<string, string> = { date: 'valueDate' };

/** Refusals that name no field, and the field of the line they concern. */
const LINE_FIELD_OF_CAUSE: Record<string, string> = {
  'rate-missing': 'valueDate',
  'period-closed': 'valueDate',
  'duplicate-receipt': 'bankReference',
};

function toSummary(batch: BatchRow): ReceiptBatchSummaryResponse {
  const totals = totalsOf(batch);
  return {
    id: batch.id,
    fund: batch.fund_code,
    bankAccount: {
      id: batch.bank_account_id,
      code: batch.bank_account_code,
      name: batch.bank_account_name,
      currency: batch.currency,
    },
    description: batch.description,
    status: batch.status,
    declared: figuresOf(totals.declaredCount, totals.declaredTotal),
    entered: figuresOf(totals.enteredCount, totals.enteredTotal),
    difference: figuresOf(totals.countDifference, totals.totalDifference),
    agrees: totals.agrees,
    overrideReason: batch.override_reason,
    postedBy: batch.posted_by,
    postedAt: batch.posted_at?.toISOString() ?? null,
    createdBy: batch.created_by,
    createdAt: batch.created_at.toISOString(),
    updatedAt: batch.updated_at.toISOString(),
  };
}

function toResponse(batch: BatchRow, receipts: BatchReceiptRef[]): ReceiptBatchResponse {
  const position = new Map(batch.lines.map((line, index) => [line.receipt?.id, index]));
  const ordered = [...receipts].sort(
    (a, b) => (position.get(a.id) ?? Infinity) - (position.get(b.id) ?? Infinity),
  );
  return {
    ...toSummary(batch),
    lines: batch.lines.map((line) => ({ ...withoutReceipt(line), receipt: line.receipt ?? null })),
    receipts: ordered.map((receipt) => ({ id: receipt.id, number: receipt.number })),
  };
}

function auditView(batch: ReceiptBatchResponse): Record<string, unknown> {
  return {
    fund: batch.fund,
    bankAccount: batch.bankAccount.code,
    description: batch.description,
    status: batch.status,
    declared: batch.declared,
    entered: batch.entered,
    overrideReason: batch.overrideReason,
    lines: batch.lines,
    receipts: batch.receipts,
  };
}
