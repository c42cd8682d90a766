import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { addDays, CalendarDate, lastDayOfMonth, todayUtc } from '../common/calendar-date';
import { ValidationFailedError } from '../common/errors/app-error';
import { IdempotencyRequest } from '../common/idempotency/idempotency-key.decorator';
import { IdempotencyService } from '../common/idempotency/idempotency.service';
import { IdempotentResult } from '../common/idempotency/idempotent-result';
import { driverError } from '../database/sql-state';
import { FundRow } from '../funds/funds.repository';
import { FundsService } from '../funds/funds.service';
import { REVERSAL } from '../ledger/journal.service';
import { LedgerService } from '../ledger/ledger.service';
import { PostingLine } from '../ledger/ledger.types';
import { PeriodHooks } from '../ledger/period-hooks';
import { Money } from '../money/money';
import { Rate } from '../money/rate';
import { MissingRateError } from '../rates/rates.errors';
import { RatesService } from '../rates/rates.service';
import { assertPeriod } from '../ledger/periods.service';
import { RevaluationResponse } from './dto/revaluation.dto';
import {
  RevaluationAlreadyRunError,
  RevaluationNextPeriodClosedError,
  RevaluationPeriodClosedError,
  RevaluationRateMissingError,
} from './revaluation.errors';
import { RevaluationRepository, RevaluedLineRow, RunRow } from './revaluation.repository';

/** The source type of month-end revaluation entries (their reversals are 'reversal'). */
export const REVALUATION = 'revaluation';

/**
 * Month-end revaluation (DESIGN.md posting rules): on the month's last day, the foreign-currency
 * receivables (per earmark and currency) and bank balances (per bank account) are retranslated
 * at the UN rate in force that day, the unrealised difference posted (receivables on 1190, never
 * on the donors' 1100, so that donor statements keep their historical rates; cash on 1000 itself;
 * gains to 4300, losses to 5500) and reversed on the first day of the next month. Runs are
 * recorded in revaluation_run, by the API, the CLI or the month's close.
 *
 * Never twice: a run posts the difference between each balance at the month-end rate and what it
 * is carried at on the last day, and an earlier run's entry is dated that day (its reversal the
 * day after), so it is part of what is carried. Run 1 revalues the month; when postings dated in
 * the month come after it (a receipt clearing a foreign receivable, say), the recomputation
 * gives exactly what is still missing, posted as a supplementary run 2, 3, … (by hand, or by the
 * month's close); when nothing changed it gives nothing, and nothing is posted or recorded.
 */
@Injectable()
export class RevaluationService implements OnModuleInit {
  /** Runs done by a period close, audited once the close has taken its row locks. */
  private readonly pendingAudits = new WeakMap<EntityManager, RevaluationResponse[]>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyService,
    private readonly funds: FundsService,
    private readonly ledger: LedgerService,
    private readonly rates: RatesService,
    private readonly repository: RevaluationRepository,
    private readonly audit: AuditService,
    private readonly hooks: PeriodHooks,
  ) {}

  onModuleInit(): void {
    // Closing a month revalues it first, in the close's transaction: run 1 (recorded even with
    // nothing to post), or, when it was revalued, a supplementary run if postings since changed
    // what its balances are carried at (nothing otherwise). A missing rate refuses the close.
    this.hooks.register('beforeClose', async ({ manager, actor, fund, period }) => {
      await this.repository.lock(manager, fund.id, period);
      const earlier = await this.repository.runs(manager, fund.id, period);
      const lines = await this.revaluationLines(manager, fund, period);
      if (earlier.length > 0 && lines.length === 0) return;
      const response = await this.revalue(manager, actor, fund, period, lines, earlier.length + 1);
      this.pendingAudits.set(manager, [...(this.pendingAudits.get(manager) ?? []), response]);
    });
    // The audit chain's lock is taken last in a unit of work (AuditService.recordMany): after
    // the close's update of the period row, not before it.
    this.hooks.register('afterClose', async ({ manager, actor }) => {
      const pending = this.pendingAudits.get(manager) ?? [];
      this.pendingAudits.delete(manager);
      for (const response of pending) await this.record(manager, actor, response);
    });
  }

  /**
   * POST /funds/:code/revaluations and the CLI: 201 with the run (run 1, or a supplementary run
   * when postings since the last one changed the month), at most once per key.
   */
  run(
    actor: Actor,
    fundCode: string,
    period: string,
    idempotency?: IdempotencyRequest,
  ): Promise<IdempotentResult<RevaluationResponse>> {
    return this.idempotency.run(actor, idempotency, 201, async (manager) => {
      const fund = await this.funds.requireFund(manager, fundCode);
      return this.runInTransaction(manager, actor, fund, period);
    });
  }

  /**
   * Revalues the month in the caller's transaction: run 1, or a supplementary run posting what
   * is still missing; 409 if it was revalued and nothing has changed since (nothing is posted).
   */
  async runInTransaction(
    manager: EntityManager,
    actor: Actor,
    fund: FundRow,
    period: string,
  ): Promise<RevaluationResponse> {
    assertPeriod(period);
    await this.repository.lock(manager, fund.id, period);
    const earlier = await this.repository.runs(manager, fund.id, period);
    const closed = (await this.repository.periodStatus(manager, fund.id, period)) === 'closed';
    if (closed && earlier.length === 0) throw new RevaluationPeriodClosedError(fund.code, period);
    const lines = await this.revaluationLines(manager, fund, period);
    if (earlier.length > 0 && lines.length === 0) {
      const [last] = earlier;
      const posted = earlier.find((run) => run.entry_number !== null);
      throw new RevaluationAlreadyRunError(
        fund.code,
        period,
        last.run_no,
        posted?.entry_number ?? null,
      );
    }
    if (closed) throw new RevaluationPeriodClosedError(fund.code, period);
    const response = await this.revalue(manager, actor, fund, period, lines, earlier.length + 1);
    await this.record(manager, actor, response);
    return response;
  }

  async list(fundCode: string): Promise<RevaluationResponse[]> {
    const manager = this.dataSource.manager;
    const fund = await this.funds.requireFund(manager, fundCode);
    return this.responses(manager, await this.repository.runs(manager, fund.id));
  }

  /**
   * Run `runNo` of the month: the entry of `lines` and its reversal (none when there are no
   * lines), and the run row; the caller holds the run's lock and computed `lines` under it.
   */
  private async revalue(
    manager: EntityManager,
    actor: Actor,
    fund: FundRow,
    period: string,
    lines: PostingLine[],
    runNo: number,
  ): Promise<RevaluationResponse> {
    const monthEnd = lastDayOf(period);
    let entry: { id: string; number: string } | undefined;
    let reversal: { id: string; number: string } | undefined;
    if (lines.length > 0) {
      // The reversal goes into the next month: said here, before anything is posted, rather
      // than as a refused posting into that month.
      const nextPeriod = nextDay(monthEnd).slice(0, 7);
      if ((await this.repository.periodStatus(manager, fund.id, nextPeriod)) === 'closed') {
        throw new RevaluationNextPeriodClosedError(fund.code, period, nextPeriod);
      }
      const accounts = await this.funds.accounts(manager, fund.id);
      const supplement = runNo > 1 ? ` (supplementary run ${runNo})` : '';
      try {
        entry = await this.ledger.post(manager, actor, fund, accounts, {
          fundId: fund.id,
          date: monthEnd,
          description: `Month-end revaluation ${period} at the UN rates of ${monthEnd}${supplement}`,
          sourceType: REVALUATION,
          sourceRef: period,
          // One key per run: a run's difference is posted once (and run n + 1 only posts what
          // run n left missing).
          idempotencyKey: `${REVALUATION}:${period}:${runNo}`,
          lines,
        });
        reversal = await this.ledger.post(manager, actor, fund, accounts, {
          fundId: fund.id,
          date: nextDay(monthEnd),
          description: `Reversal of ${entry.number}: month-end revaluation ${period}${supplement}`,
          sourceType: REVERSAL,
          sourceRef: entry.id,
          idempotencyKey: `${REVERSAL}:${entry.id}`,
          reversesEntryId: entry.id,
          reason: `An unrealised difference of ${period} is reversed on the first day of the next month`,
          lines: lines.map((line) => ({
            ...line,
            amount: line.amount.negate(),
            functional: line.functional.negate(),
          })),
        });
      } catch (error) {
        // Only a run that bypassed the lock (none should) can have posted the same key.
        if (driverError(error)?.constraint === 'journal_entry_source_key') {
          throw new RevaluationAlreadyRunError(fund.code, period, runNo, null);
        }
        throw error;
      }
    }
    await this.repository.insertRun(manager, {
      fundId: fund.id,
      period,
      runNo,
      revaluedOn: monthEnd,
      entryId: entry?.id ?? null,
      reversalEntryId: reversal?.id ?? null,
      runBy: actor.id,
    });
    const [response] = await this.responses(
      manager,
      await this.repository.runs(manager, fund.id, period, runNo),
    );
    return response;
  }

  /**
   * One line per balance whose value at the month-end rate differs from what it is carried at
   * (1100 + 1190, or 1000), in its currency with no transaction amount and the difference as the
   * functional amount; the gains (4300) and losses (5500) against them, one line per currency.
   * Each difference is rounded once (Money.convert), so the entry balances exactly. What earlier
   * runs of the month posted is carried already: after a run, this is empty until a posting
   * dated in the month changes a balance. 422 for a month not ended or a rate missing.
   */
  private async revaluationLines(
    manager: EntityManager,
    fund: FundRow,
    period: string,
  ): Promise<PostingLine[]> {
    const monthEnd = lastDayOf(period);
    if (monthEnd >= todayUtc()) {
      throw new ValidationFailedError([
        {
          field: 'period',
          rule: 'monthEnded',
          reason:
            `${period} has not ended: its revaluation at the rates of ${monthEnd} can run ` +
            `from ${nextDay(monthEnd)}`,
        },
      ]);
    }
    const functionalCurrency = fund.functional_currency;
    const balances = await this.repository.foreignBalances(
      manager,
      fund.id,
      monthEnd,
      functionalCurrency,
    );
    const rates = new Map<string, Rate>();
    const missing: string[] = [];
    for (const currency of new Set(balances.map((balance) => balance.currency))) {
      try {
        rates.set(
          currency,
          (await this.rates.rate(currency, functionalCurrency, monthEnd, manager)).rate,
        );
      } catch (error) {
        if (!(error instanceof MissingRateError)) throw error;
        missing.push(currency);
      }
    }
    if (missing.length > 0) {
      throw new RevaluationRateMissingError(fund.code, period, monthEnd, missing);
    }
    const revalued: PostingLine[] = [];
    const counterparts = new Map<string, Money>();
    for (const balance of balances) {
      const rate = rates.get(balance.currency) as Rate;
      const carried = Money.fromMinor(balance.functional_minor, functionalCurrency);
      const difference = Money.fromMinor(balance.amount_minor, balance.currency)
        .convert(rate, functionalCurrency)
        .subtract(carried);
      if (difference.isZero()) continue;
      revalued.push({
        accountCode: balance.account,
        earmarkId: balance.earmark_id ?? undefined,
        bankAccountId: balance.bank_account_id ?? undefined,
        amount: Money.zero(balance.currency),
        functional: difference,
        rate,
      });
      const key = `${difference.isPositive() ? '4300' : '5500'}:${balance.currency}`;
      counterparts.set(
        key,
        (counterparts.get(key) ?? Money.zero(functionalCurrency)).subtract(difference),
      );
    }
    const against = [...counterparts].map(([key, functional]): PostingLine => ({
      accountCode: key.slice(0, 4),
      amount: Money.zero(key.slice(5)),
      functional,
    }));
    return revalued.length === 0 ? [] : [...revalued, ...against];
  }

  /** One audit record per run; `after` names the run (1, or a supplementary 2, 3, …). */
  private async record(
    manager: EntityManager,
    actor: Actor,
    response: RevaluationResponse,
  ): Promise<void> {
    await this.audit.record(manager, actor, {
      action: 'revaluation.run',
      entityType: 'revaluation_run',
      entityId: `${response.fund}/${response.period}`,
      after: response,
    });
  }

  private async responses(manager: EntityManager, runs: RunRow[]): Promise<RevaluationResponse[]> {
    const lines = await this.repository.revaluedLines(
      manager,
      runs.flatMap((run) => (run.entry_id === null ? [] : [run.entry_id])),
    );
    const byEntry = new Map<string, RevaluedLineRow[]>();
    for (const line of lines) {
      byEntry.set(line.entry_id, [...(byEntry.get(line.entry_id) ?? []), line]);
    }
    return runs.map((run) => toRevaluationResponse(run, byEntry.get(run.entry_id ?? '') ?? []));
  }
}

function toRevaluationResponse(run: RunRow, lines: RevaluedLineRow[]): RevaluationResponse {
  const currency = run.functional_currency;
  const gain = Money.fromMinor(run.gain_minor, currency);
  const loss = Money.fromMinor(run.loss_minor, currency);
  const ref = (id: string | null, number: string | null, date: string | null) =>
    id === null ? null : { id, number: number as string, date: date as string };
  return {
    fund: run.fund_code,
    period: run.period,
    run: run.run_no,
    supplements: run.run_no > 1 ? run.run_no - 1 : null,
    revaluedOn: run.revalued_on,
    entry: ref(run.entry_id, run.entry_number, run.entry_date),
    reversal: ref(run.reversal_entry_id, run.reversal_number, run.reversal_date),
    gain: gain.toJSON(),
    loss: loss.toJSON(),
    net: gain.subtract(loss).toJSON(),
    lines: lines.map((line) => ({
      account: line.account,
      earmark: line.earmark,
      bankAccount: line.bank_account,
      currency: line.currency,
      rate: line.rate === null ? '' : Rate.parse(line.rate).toDecimalString(10),
      difference: Money.fromMinor(line.functional_minor, currency).toJSON(),
    })),
    runBy: run.run_by,
    runAt: new Date(run.run_at).toISOString(),
  };
}

/** '2026-02' → '2026-02-28'. */
export const lastDayOf = lastDayOfMonth;

function nextDay(date: CalendarDate): CalendarDate {
  return addDays(date, 1);
}
