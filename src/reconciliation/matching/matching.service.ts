import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ApprovalsService } from '../../approvals/approvals.service';
import { AuditService } from '../../audit/audit.service';
import { Actor } from '../../common/actor';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { FieldError } from '../../common/errors/problem';
import { IdempotencyRequest } from '../../common/idempotency/idempotency-key.decorator';
import { IdempotencyService } from '../../common/idempotency/idempotency.service';
import { IdempotentResult } from '../../common/idempotency/idempotent-result';
import { isUuid } from '../../common/uuid';
import { FundsService } from '../../funds/funds.service';
import { JournalRepository } from '../../ledger/journal.repository';
import { REVERSAL } from '../../ledger/journal.service';
import { LedgerService } from '../../ledger/ledger.service';
import { PostingLine } from '../../ledger/ledger.types';
import { Money } from '../../money/money';
import { Rate } from '../../money/rate';
import { RatesService } from '../../rates/rates.service';
import { ReceiptsService } from '../../receipts/receipts.service';
import {
  ConfirmLineRequest,
  CreateReceiptFromLineRequest,
  ListLinesQuery,
  LineStatus,
  MatchLinesRequest,
  NotContributionRequest,
  RejectSuggestionRequest,
  RunMatchingRequest,
  UndoMatchRequest,
} from './dto/matching.dto';
import {
  autoConfirmable,
  DEFAULT_MATCHING_CONFIG,
  EngineLine,
  EngineReceipt,
  MatchingConfig,
  netMinor,
  normalizeName,
  sortSuggestions,
  Suggestion,
  buildCandidateIndex,
  buildLineIndex,
  suggestForLineIndexed,
  suggestLinesForReceiptIndexed,
} from './matching-engine';
import {
  AlreadyDecidedError,
  BankAccountUnknownError,
  BankLineNotFoundError,
  BankMatchNotFoundError,
  InvalidMatchError,
  MatchAlreadyUndoneError,
} from './matching.errors';
import {
  AccountRow,
  LineRow,
  MatchingRepository,
  MatchRow,
  OpenReceiptRow,
} from './matching.repository';

export const BANK_MATCH_OVERRIDE_APPROVAL = 'bank-match.override';
export const BANK_LINE_POSTING = 'bank-line';
const DEFAULT_FUND = 'WSIS-TF';
/** Account lines that may name the bank account (their bank dimension is optional). */
const BANK_DIMENSION_OPTIONAL = new Set(['4200', '5100', '2300']);

/** One decision to write: this much of this line is this receipt's money. */
interface Pair {
  lineId: string;
  receiptId: string;
  amountMinor: bigint;
}

export interface OverridePayload {
  /** 'line': one line for one or several receipts; 'receipt': several lines for one receipt. */
  mode: 'line' | 'receipt';
  lineIds: string[];
  receiptIds: string[];
  /** Minor units per pair, as strings (JSON has no bigint). */
  amounts: string[];
  reason?: string;
}

export interface SuggestionView {
  receipts: Array<{ id: string; number: string; amount: string; donor: string | null }>;
  lineIds: string[];
  score: number;
  reasons: string[];
  autoConfirmable: boolean;
}

export interface MatchView {
  id: string;
  kind: string;
  receiptId: string | null;
  receiptNumber: string | null;
  amount: string;
  classification: string | null;
  entryId: string | null;
  score: number | null;
  reasons: string[];
  approvalId: string | null;
  actor: string;
}

export interface LineView {
  id: string;
  statement: string;
  lineNo: number;
  bookingDate: string;
  valueDate: string | null;
  amount: string;
  currency: string;
  bankReference: string | null;
  endToEndId: string | null;
  counterpartyName: string | null;
  remittanceText: string | null;
  status: LineStatus;
  matches: MatchView[];
  suggestions: SuggestionView[];
}

export interface OpenReceiptView {
  id: string;
  number: string;
  valueDate: string;
  gross: string;
  charges: string;
  net: string;
  currency: string;
  donorId: string | null;
  donor: string | null;
  remitterName: string | null;
  bankReference: string | null;
}

export interface LinesResponse {
  fund: string;
  bankAccount: string;
  currency: string;
  status: LineStatus;
  counts: Record<LineStatus, number>;
  lines: LineView[];
  openReceipts: OpenReceiptView[];
}

export interface RunResponse {
  bankAccount: string;
  unmatched: number;
  suggested: number;
  autoConfirmed: number;
  matchIds: string[];
}

export interface DecisionResponse {
  lines: LineView[];
  matchIds: string[];
  receiptId?: string;
  entryId?: string;
}

/**
 * The officers' side of reconciliation: the engine's suggestions for the lines of a bank
 * account, automatic confirmation of the unambiguous ones, and every decision an officer takes
 * (confirm, match by hand, reject, not a contribution, create a receipt, undo), each appended to
 * bank_line_match in one transaction with its audit record last. Lines are locked before a
 * decision, then receipts, both in id order, so two officers deciding on the same line queue and
 * the second finds it decided.
 */
@Injectable()
export class MatchingService implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyService,
    private readonly approvals: ApprovalsService,
    private readonly audit: AuditService,
    private readonly funds: FundsService,
    private readonly ledger: LedgerService,
    private readonly journal: JournalRepository,
    private readonly rates: RatesService,
    private readonly receipts: ReceiptsService,
    private readonly repository: MatchingRepository,
  ) {}

  onModuleInit(): void {
    this.approvals.register<OverridePayload, DecisionResponse>({
      kind: BANK_MATCH_OVERRIDE_APPROVAL,
      execute: async (manager, payload, context) => {
        const pairs = await this.preparePairs(manager, payload, true);
        const matchIds = await this.writePairs(manager, context.maker, pairs, context.approvalId);
        return this.decided(manager, context.checker, 'bank-match.override', payload.lineIds, {
          matchIds,
        });
      },
    });
  }

  async accounts(): Promise<AccountRow[]> {
    return this.repository.accounts(this.dataSource.manager);
  }

  async lines(_actor: Actor, query: ListLinesQuery): Promise<LinesResponse> {
    const manager = this.dataSource.manager;
    const account = await this.requireAccount(manager, query.fund, query.bankAccount);
    const status = query.status ?? 'unmatched';
    const state = await this.load(manager, account);
    const views = state.lines.map((line) => this.lineView(account, line, state));
    const counts = { unmatched: 0, matched: 0, 'not-contribution': 0 };
    for (const view of views) counts[view.status] += 1;
    return {
      fund: account.fund_code,
      bankAccount: account.code,
      currency: account.currency,
      status,
      counts,
      lines: views.filter((view) => view.status === status),
      openReceipts: state.receipts.map((row) => receiptView(row)),
    };
  }

  /** Runs the engine on the account and confirms what is unambiguous ('auto' matches). */
  run(
    actor: Actor,
    request: RunMatchingRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<RunResponse>> {
    return this.idempotency.run(actor, idempotency, 200, async (manager) => {
      const account = await this.requireAccount(manager, request.fund, request.bankAccount);
      const state = await this.load(manager, account);
      const unmatched = state.lines.filter(
        (line) => statusOf(line.id, state.matches) === 'unmatched',
      );
      const picks: Array<{ line: LineRow; suggestion: Suggestion }> = [];
      let suggested = 0;
      for (const line of unmatched) {
        const suggestions = state.suggestions.get(line.id) ?? [];
        if (suggestions.length > 0) suggested += 1;
        const pick = autoConfirmable(suggestions, state.config);
        if (pick !== undefined) picks.push({ line, suggestion: pick });
      }
      // A receipt two lines would take is no certainty for either.
      const takers = new Map<string, number>();
      for (const { suggestion } of picks) {
        takers.set(suggestion.receiptIds[0], (takers.get(suggestion.receiptIds[0]) ?? 0) + 1);
      }
      const matchIds: string[] = [];
      for (const { line, suggestion } of picks) {
        if (takers.get(suggestion.receiptIds[0]) !== 1) continue;
        await this.repository.lockLines(manager, [line.id]);
        matchIds.push(
          await this.repository.insertMatch(manager, {
            lineId: line.id,
            receiptId: suggestion.receiptIds[0],
            amountMinor: BigInt(line.amount_minor),
            kind: 'auto',
            score: suggestion.score,
            reasons: suggestion.reasons,
            actor: actor.id,
          }),
        );
        await this.learn(manager, line, suggestion.receiptIds, state.receipts);
      }
      const result: RunResponse = {
        bankAccount: account.code,
        unmatched: unmatched.length,
        suggested,
        autoConfirmed: matchIds.length,
        matchIds,
      };
      await this.audit.record(manager, actor, {
        action: 'bank-match.run',
        entityType: 'bank_account',
        entityId: account.code,
        after: result,
      });
      return result;
    });
  }

  /** One line for one or several receipts (a suggestion confirmed, or a match by hand). */
  confirm(
    actor: Actor,
    lineId: string,
    request: ConfirmLineRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<DecisionResponse | object>> {
    return this.decide(actor, idempotency, {
      mode: 'line',
      lineIds: [lineId],
      receiptIds: request.receiptIds,
      amounts: request.amounts ?? [],
      reason: request.reason,
    });
  }

  /** Several lines for one receipt. */
  matchLines(
    actor: Actor,
    request: MatchLinesRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<DecisionResponse | object>> {
    return this.decide(actor, idempotency, {
      mode: 'receipt',
      lineIds: request.lineIds,
      receiptIds: [request.receiptId],
      amounts: [],
      reason: request.reason,
    });
  }

  reject(
    actor: Actor,
    lineId: string,
    request: RejectSuggestionRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<DecisionResponse>> {
    return this.idempotency.run(actor, idempotency, 200, async (manager) => {
      await this.requireLines(manager, [lineId]);
      const [receipt] = await this.repository.lockReceipts(manager, [request.receiptId]);
      if (receipt === undefined) {
        throw new InvalidMatchError([
          {
            field: 'receiptId',
            rule: 'exists',
            reason: `there is no receipt ${request.receiptId}`,
          },
        ]);
      }
      await this.repository.insertRejection(manager, lineId, receipt.id, actor.id);
      return this.decided(manager, actor, 'bank-match.reject', [lineId], {
        matchIds: [],
        receiptId: receipt.id,
      });
    });
  }

  /** Posts the line to the ledger against the given account and classifies it. */
  notContribution(
    actor: Actor,
    lineId: string,
    request: NotContributionRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<DecisionResponse>> {
    return this.idempotency.run(actor, idempotency, 200, async (manager) => {
      const [line] = await this.requireLines(manager, [lineId]);
      await this.assertUndecided(manager, [line.id], []);
      const account = await this.repository.accountById(manager, line.bank_account_id);
      const fund = await this.funds.requireFund(manager, account.fund_code);
      const amount = Money.fromMinor(line.amount_minor, line.currency);
      const date = line.value_date ?? line.booking_date;
      const functional =
        line.currency === fund.functional_currency
          ? amount.convert(Rate.ONE, fund.functional_currency)
          : amount.convert(
              (await this.rates.rate(line.currency, fund.functional_currency, date, manager)).rate,
              fund.functional_currency,
            );
      const earlier = await this.repository.classificationCount(manager, line.id);
      const posted = await this.ledger.post(
        manager,
        actor,
        fund,
        await this.funds.accounts(manager, fund.id),
        {
          fundId: fund.id,
          date,
          description: `Bank line ${line.statement_ref}/${line.line_no} (${request.classification}): ${request.description}`,
          sourceType: BANK_LINE_POSTING,
          sourceRef: line.id,
          idempotencyKey: `${BANK_LINE_POSTING}:${line.id}:${earlier + 1}`,
          lines: [
            {
              accountCode: '1000',
              bankAccountId: account.id,
              amount,
              functional,
            },
            {
              accountCode: request.account,
              bankAccountId: BANK_DIMENSION_OPTIONAL.has(request.account) ? account.id : undefined,
              amount: amount.negate(),
              functional: functional.negate(),
            },
          ],
        },
      );
      const matchId = await this.repository.insertMatch(manager, {
        lineId: line.id,
        receiptId: null,
        amountMinor: amount.minor,
        kind: 'not-contribution',
        classification: request.classification,
        entryId: posted.id,
        reasons: [`account ${request.account}`, request.description],
        actor: actor.id,
      });
      return this.decided(manager, actor, 'bank-match.not-contribution', [line.id], {
        matchIds: [matchId],
        entryId: posted.id,
      });
    });
  }

  /** A receipt recorded from the line (its date, amount, remitter, texts), matched to it. */
  createReceipt(
    actor: Actor,
    lineId: string,
    request: CreateReceiptFromLineRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<DecisionResponse>> {
    return this.idempotency.run(actor, idempotency, 201, async (manager) => {
      const [line] = await this.requireLines(manager, [lineId]);
      assertCredit(line);
      await this.assertUndecided(manager, [line.id], []);
      const account = await this.repository.accountById(manager, line.bank_account_id);
      const { receipt, audit } = await this.receipts.recordIn(
        manager,
        actor,
        {
          fund: account.fund_code,
          bankAccount: account.code,
          valueDate: line.value_date ?? line.booking_date,
          currency: line.currency,
          grossAmount: Money.fromMinor(line.amount_minor, line.currency).toDecimalString(),
          donorId: request.donorId,
          remitterName: line.counterparty_name?.slice(0, 200) ?? undefined,
          remittanceText: line.remittance_text?.slice(0, 500) ?? undefined,
          bankReference: line.bank_reference?.slice(0, 64) ?? undefined,
          allocation: request.allocation ?? (request.donorId === undefined ? undefined : 'auto'),
        },
        {},
      );
      const matchId = await this.repository.insertMatch(manager, {
        lineId: line.id,
        receiptId: receipt.id,
        amountMinor: BigInt(line.amount_minor),
        kind: 'manual',
        reasons: ['receipt created from the bank line'],
        actor: actor.id,
      });
      if (request.donorId !== undefined && line.counterparty_name !== null) {
        const name = normalizeName(line.counterparty_name);
        if (name !== '') await this.repository.learn(manager, name, request.donorId);
      }
      await this.audit.record(manager, actor, audit);
      return this.decided(manager, actor, 'bank-match.create-receipt', [line.id], {
        matchIds: [matchId],
        receiptId: receipt.id,
      });
    });
  }

  /** Undoes a decision in force; a line posted as not a contribution gets its entry reversed. */
  undo(
    actor: Actor,
    matchId: string,
    request: UndoMatchRequest,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<IdempotentResult<DecisionResponse>> {
    return this.idempotency.run(actor, idempotency, 200, async (manager) => {
      const found = isUuid(matchId) ? await this.repository.findMatch(manager, matchId) : undefined;
      if (found === undefined) throw new BankMatchNotFoundError(matchId);
      await this.repository.lockLines(manager, [found.line_id]);
      const match = (await this.repository.findMatch(manager, matchId)) as MatchRow & {
        undone: boolean;
      };
      if (match.kind === 'undo' || match.undone) throw new MatchAlreadyUndoneError(matchId);
      let entryId: string | undefined;
      if (match.entry_id !== null)
        entryId = await this.reverseEntry(manager, actor, match, request);
      const undoId = await this.repository.insertMatch(manager, {
        lineId: match.line_id,
        receiptId: match.receipt_id,
        amountMinor: BigInt(match.amount_minor),
        kind: 'undo',
        undoesMatchId: match.id,
        entryId,
        reasons: [request.reason],
        actor: actor.id,
      });
      return this.decided(manager, actor, 'bank-match.undo', [match.line_id], {
        matchIds: [undoId],
        entryId,
      });
    });
  }

  /**
   * Confirm and match-many share this: checked, then written at once when the amounts agree
   * within the tolerance, or stored for approval (202) when they do not.
   */
  private async decide(
    actor: Actor,
    idempotency: IdempotencyRequest | undefined,
    payload: OverridePayload,
  ): Promise<IdempotentResult<DecisionResponse | object>> {
    // Read first, outside the transaction, to answer with the right status; decided again inside.
    const beyond = await this.beyondTolerance(payload).catch(() => false);
    return this.idempotency.run(actor, idempotency, beyond ? 202 : 200, async (manager) => {
      const pairs = await this.preparePairs(manager, payload, false);
      const difference = differenceOf(
        payload,
        pairs,
        await this.linesAndReceipts(manager, payload),
        this.config.matching.tolerance,
      );
      if (difference.beyond) {
        const stored: OverridePayload = {
          ...payload,
          lineIds: pairs.map((pair) => pair.lineId),
          receiptIds: pairs.map((pair) => pair.receiptId),
          amounts: pairs.map((pair) => pair.amountMinor.toString()),
        };
        return this.approvals.request<OverridePayload>(manager, actor, {
          kind: BANK_MATCH_OVERRIDE_APPROVAL,
          summary:
            `Match bank line(s) to receipt(s) with a difference of ${difference.text}` +
            ` beyond the ${this.config.matching.tolerance} tolerance` +
            (payload.reason === undefined ? '' : ` — ${payload.reason}`),
          payload: stored,
          fundId: difference.fundId,
          subject: `bank-line:${[...payload.lineIds].sort()[0]}`,
        });
      }
      const matchIds = await this.writePairs(manager, actor, pairs, undefined);
      return this.decided(
        manager,
        actor,
        payload.mode === 'line' ? 'bank-match.confirm' : 'bank-match.match-lines',
        [...new Set(pairs.map((pair) => pair.lineId))],
        { matchIds },
      );
    });
  }

  private async beyondTolerance(payload: OverridePayload): Promise<boolean> {
    const manager = this.dataSource.manager;
    const pairs = await this.pairsOf(manager, payload);
    const rows = await this.linesAndReceipts(manager, payload);
    return differenceOf(payload, pairs, rows, this.config.matching.tolerance).beyond;
  }

  private async linesAndReceipts(
    manager: EntityManager,
    payload: OverridePayload,
  ): Promise<{ lines: LineRow[]; receipts: OpenReceiptRow[]; fundId: string }> {
    const lines = await manager.query<LineRow[]>(
      `SELECT id, amount_minor::text AS amount_minor, currency, bank_account_id
         FROM bank_statement_line WHERE id = ANY($1::uuid[])`,
      [[...new Set(payload.lineIds)].filter(isUuid)],
    );
    const receipts = await manager.query<Array<OpenReceiptRow & { fund_id: string }>>(
      `SELECT id, gross_minor::text AS gross_minor, charges_minor::text AS charges_minor, currency,
              fund_id
         FROM receipt WHERE id = ANY($1::uuid[])`,
      [[...new Set(payload.receiptIds)].filter(isUuid)],
    );
    return { lines, receipts, fundId: receipts[0]?.fund_id ?? '' };
  }

  /** The pairs to write, from the request, without locks or checks (used to pick the status). */
  private async pairsOf(manager: EntityManager, payload: OverridePayload): Promise<Pair[]> {
    const { lines, receipts } = await this.linesAndReceipts(manager, payload);
    if (payload.mode === 'receipt') {
      return lines.map((line) => ({
        lineId: line.id,
        receiptId: payload.receiptIds[0],
        amountMinor: BigInt(line.amount_minor),
      }));
    }
    return payload.receiptIds.map((receiptId, index) => {
      const receipt = receipts.find((row) => row.id === receiptId);
      const given = payload.amounts[index];
      const currency = lines[0]?.currency ?? receipt?.currency ?? 'CHF';
      return {
        lineId: payload.lineIds[0],
        receiptId,
        amountMinor:
          given !== undefined
            ? amountMinor(given, currency)
            : receipt === undefined
              ? 0n
              : BigInt(receipt.gross_minor) - BigInt(receipt.charges_minor),
      };
    });
  }

  /**
   * Locks the lines and receipts and checks everything: they exist, on one bank account, the
   * lines are credits, nothing is decided on any of them yet. `approved`: the amounts were
   * approved as they are (stored in the payload).
   */
  private async preparePairs(
    manager: EntityManager,
    payload: OverridePayload,
    approved: boolean,
  ): Promise<Pair[]> {
    const errors: FieldError[] = [];
    const lineIds = [...new Set(payload.lineIds)];
    const receiptIds = [...new Set(payload.receiptIds)];
    if (payload.mode === 'line' && receiptIds.length !== payload.receiptIds.length) {
      errors.push({ field: 'receiptIds', rule: 'unique', reason: 'names a receipt twice' });
    }
    if (payload.mode === 'receipt' && lineIds.length !== payload.lineIds.length) {
      errors.push({ field: 'lineIds', rule: 'unique', reason: 'names a line twice' });
    }
    if (
      !approved &&
      payload.mode === 'line' &&
      payload.amounts.length > 0 &&
      payload.amounts.length !== payload.receiptIds.length
    ) {
      errors.push({
        field: 'amounts',
        rule: 'oneEach',
        reason: 'give one amount per receipt, in the same order',
      });
    }
    if (errors.length > 0) throw new InvalidMatchError(errors);
    const lines = await this.requireLines(manager, lineIds);
    lines.forEach(assertCredit);
    const receipts = await this.repository.lockReceipts(manager, receiptIds.filter(isUuid));
    for (const id of receiptIds) {
      if (!receipts.some((receipt) => receipt.id === id)) {
        errors.push({ field: 'receiptIds', rule: 'exists', reason: `there is no receipt ${id}` });
      }
    }
    const accountIds = new Set(lines.map((line) => line.bank_account_id));
    const reversed = await manager.query<Array<{ receipt_id: string }>>(
      `SELECT receipt_id FROM receipt_event WHERE kind = 'reversed' AND receipt_id = ANY($1::uuid[])`,
      [receiptIds.filter(isUuid)],
    );
    const onAccount = await manager.query<Array<{ id: string; bank_account_id: string }>>(
      `SELECT id, bank_account_id FROM receipt WHERE id = ANY($1::uuid[])`,
      [receiptIds.filter(isUuid)],
    );
    if (accountIds.size > 1) {
      errors.push({
        field: 'lineIds',
        rule: 'oneAccount',
        reason: 'lines of one bank account only',
      });
    }
    for (const row of onAccount) {
      if (!accountIds.has(row.bank_account_id)) {
        errors.push({
          field: 'receiptIds',
          rule: 'sameBankAccount',
          reason: `receipt ${row.id} was recorded on another bank account`,
        });
      }
    }
    for (const row of reversed) {
      errors.push({
        field: 'receiptIds',
        rule: 'notReversed',
        reason: `receipt ${row.receipt_id} was reversed`,
      });
    }
    if (errors.length > 0) throw new InvalidMatchError(errors);
    await this.assertUndecided(manager, lineIds, receiptIds);
    if (approved) {
      return payload.lineIds.map((lineId, index) => ({
        lineId,
        receiptId: payload.receiptIds[index],
        amountMinor: BigInt(payload.amounts[index]),
      }));
    }
    const pairs = await this.pairsOf(manager, payload);
    pairs.forEach((pair, index) => {
      if (pair.amountMinor <= 0n) {
        errors.push({
          field: `amounts[${index}]`,
          rule: 'positive',
          reason: 'must be more than 0',
        });
      }
    });
    if (errors.length > 0) throw new InvalidMatchError(errors);
    return pairs;
  }

  private async writePairs(
    manager: EntityManager,
    actor: Pick<Actor, 'id'>,
    pairs: Pair[],
    approvalId: string | undefined,
  ): Promise<string[]> {
    const lineIds = [...new Set(pairs.map((pair) => pair.lineId))];
    const lines = await this.repository.lockLines(manager, lineIds);
    const account = await this.repository.accountById(manager, lines[0].bank_account_id);
    const state = await this.load(manager, account);
    const receipts = await this.repository.lockReceipts(manager, [
      ...new Set(pairs.map((pair) => pair.receiptId)),
    ]);
    const ids: string[] = [];
    for (const line of lines) {
      const mine = pairs.filter((pair) => pair.lineId === line.id);
      const receiptSet = [...new Set(pairs.map((pair) => pair.receiptId))].sort().join(',');
      const lineSet = [...lineIds].sort().join(',');
      // A decision that takes one of the engine's suggestions as it is: 'confirmed', with its
      // score and reasons; anything else is a match by hand.
      const suggestion = (state.suggestions.get(line.id) ?? []).find(
        (s) =>
          [...s.receiptIds].sort().join(',') === receiptSet &&
          [...s.lineIds].sort().join(',') === lineSet,
      );
      for (const pair of mine) {
        ids.push(
          await this.repository.insertMatch(manager, {
            lineId: pair.lineId,
            receiptId: pair.receiptId,
            amountMinor: pair.amountMinor,
            kind: suggestion === undefined ? 'manual' : 'confirmed',
            score: suggestion?.score,
            reasons: suggestion?.reasons ?? ['matched by hand'],
            approvalId,
            actor: actor.id,
          }),
        );
      }
      await this.learn(
        manager,
        line,
        mine.map((pair) => pair.receiptId),
        receipts,
      );
    }
    return ids;
  }

  /** A counterparty name confirmed for a donor is recognised next time. */
  private async learn(
    manager: EntityManager,
    line: LineRow,
    receiptIds: string[],
    receipts: readonly OpenReceiptRow[],
  ): Promise<void> {
    const name = normalizeName(line.counterparty_name);
    if (name === '') return;
    const donors = new Set(
      receipts
        .filter((receipt) => receiptIds.includes(receipt.id) && receipt.donor_id !== null)
        .map((receipt) => receipt.donor_id as string),
    );
    for (const donorId of donors) await this.repository.learn(manager, name, donorId);
  }

  private async reverseEntry(
    manager: EntityManager,
    actor: Actor,
    match: MatchRow,
    request: UndoMatchRequest,
  ): Promise<string> {
    const entryId = match.entry_id as string;
    const entry = await this.journal.findEntry(manager, entryId);
    const [line] = await this.repository.lockLines(manager, [match.line_id]);
    const account = await this.repository.accountById(manager, line.bank_account_id);
    const fund = await this.funds.requireFund(manager, account.fund_code);
    const lines = await this.journal.linesOf(manager, [entryId]);
    const posted = await this.ledger.post(
      manager,
      actor,
      fund,
      await this.funds.accounts(manager, fund.id),
      {
        fundId: fund.id,
        date: entry?.entry_date ?? line.booking_date,
        description: `Reversal of ${entry?.number ?? entryId}: bank line no longer classified`,
        sourceType: REVERSAL,
        sourceRef: entryId,
        idempotencyKey: `reversal:${entryId}`,
        reversesEntryId: entryId,
        reason: request.reason,
        lines: lines.map((row): PostingLine => ({
          accountCode: row.account_code,
          bankAccountId: row.bank_account_id ?? undefined,
          amount: Money.fromMinor(row.amount_minor, row.currency).negate(),
          functional: Money.fromMinor(row.functional_minor, fund.functional_currency).negate(),
        })),
      },
    );
    return posted.id;
  }

  private async assertUndecided(
    manager: EntityManager,
    lineIds: readonly string[],
    receiptIds: readonly string[],
  ): Promise<void> {
    const onLines = await this.repository.liveMatchesOfLines(manager, lineIds);
    if (onLines.length > 0) {
      throw new AlreadyDecidedError(
        `Bank line ${onLines[0].line_id} is already ${onLines[0].kind === 'not-contribution' ? 'classified' : 'matched'}`,
      );
    }
    const onReceipts = await this.repository.liveMatchesOfReceipts(manager, receiptIds);
    if (onReceipts.length > 0) {
      throw new AlreadyDecidedError(
        `Receipt ${onReceipts[0].receipt_number ?? onReceipts[0].receipt_id} is already matched to a bank line`,
      );
    }
  }

  private async requireLines(manager: EntityManager, ids: readonly string[]): Promise<LineRow[]> {
    const valid = ids.filter(isUuid);
    const lines = valid.length === 0 ? [] : await this.repository.lockLines(manager, valid);
    for (const id of ids) {
      if (!lines.some((line) => line.id === id)) throw new BankLineNotFoundError(id);
    }
    return ids.map((id) => lines.find((line) => line.id === id) as LineRow);
  }

  private async requireAccount(
    manager: EntityManager,
    fund: string | undefined,
    code: string,
  ): Promise<AccountRow> {
    const account = await this.repository.account(manager, fund ?? DEFAULT_FUND, code);
    if (account === undefined) throw new BankAccountUnknownError(fund ?? DEFAULT_FUND, code);
    return account;
  }

  /** Everything the engine needs about one account, and its suggestions for the open lines. */
  private async load(manager: EntityManager, account: AccountRow): Promise<AccountState> {
    const [lines, matches, receipts, donors, learned, rejected] = [
      await this.repository.lines(manager, account.id),
      await this.repository.liveMatches(manager, account.id),
      await this.repository.openReceipts(manager, account.id),
      await this.repository.donors(manager),
      await this.repository.learned(manager),
      await this.repository.rejections(manager, account.id),
    ];
    const config: MatchingConfig = {
      ...DEFAULT_MATCHING_CONFIG,
      toleranceMinor: Money.parse(this.config.matching.tolerance, account.currency).minor,
      dateWindowDays: this.config.matching.dateWindowDays,
      autoConfirmScore: this.config.matching.autoConfirmScore,
    };
    const engineReceipts = receipts.map(toEngineReceipt);
    const open = lines.filter((line) => statusOf(line.id, matches) === 'unmatched');
    const engineLines = open.map(toEngineLine);
    const context = { receipts: engineReceipts, donors, learned, rejected, config };
    const suggestions = new Map<string, Suggestion[]>();
    // The index gives the full scan's suggestions without comparing every line with every receipt.
    const index = buildCandidateIndex(context);
    for (const line of engineLines) suggestions.set(line.id, suggestForLineIndexed(line, index));
    const lineIndex = buildLineIndex(engineLines, index);
    for (const receipt of engineReceipts) {
      const split = suggestLinesForReceiptIndexed(receipt, lineIndex);
      if (split === undefined) continue;
      for (const lineId of split.lineIds) {
        suggestions.set(lineId, sortSuggestions([...(suggestions.get(lineId) ?? []), split]));
      }
    }
    return { lines, matches, receipts, suggestions, config };
  }

  private lineView(account: AccountRow, line: LineRow, state: AccountState): LineView {
    const status = statusOf(line.id, state.matches);
    const suggestions = status === 'unmatched' ? (state.suggestions.get(line.id) ?? []) : [];
    const auto = autoConfirmable(suggestions, state.config);
    return {
      id: line.id,
      statement: line.statement_ref,
      lineNo: line.line_no,
      bookingDate: line.booking_date,
      valueDate: line.value_date,
      amount: Money.fromMinor(line.amount_minor, line.currency).toDecimalString(),
      currency: line.currency,
      bankReference: line.bank_reference,
      endToEndId: line.end_to_end_id,
      counterpartyName: line.counterparty_name,
      remittanceText: line.remittance_text,
      status,
      matches: state.matches
        .filter((match) => match.line_id === line.id)
        .map((match) => matchView(match, account.currency)),
      suggestions: suggestions.map((suggestion) => ({
        receipts: suggestion.receiptIds.map((id) => {
          const receipt = state.receipts.find((row) => row.id === id) as OpenReceiptRow;
          return {
            id,
            number: receipt.number,
            amount: Money.of(
              netMinor(toEngineReceipt(receipt)),
              receipt.currency,
            ).toDecimalString(),
            donor: receipt.donor_name,
          };
        }),
        lineIds: suggestion.lineIds,
        score: suggestion.score,
        reasons: suggestion.reasons,
        autoConfirmable: auto === suggestion,
      })),
    };
  }

  /** The lines as they now are, audited last in the unit of work. */
  private async decided(
    manager: EntityManager,
    actor: Pick<Actor, 'id'> & Partial<Actor>,
    action: string,
    lineIds: string[],
    extra: Omit<DecisionResponse, 'lines'>,
  ): Promise<DecisionResponse> {
    const lines = await this.repository.lockLines(manager, lineIds);
    const account = await this.repository.accountById(manager, lines[0].bank_account_id);
    const state = await this.load(manager, account);
    const views = lineIds.map((id) =>
      this.lineView(account, state.lines.find((line) => line.id === id) as LineRow, state),
    );
    const response: DecisionResponse = { lines: views, ...extra };
    await this.audit.record(manager, actor as Actor, {
      action,
      entityType: 'bank_statement_line',
      entityId: lineIds.join(','),
      after: {
        matchIds: extra.matchIds,
        receiptId: extra.receiptId,
        entryId: extra.entryId,
        lines: views.map((view) => ({ id: view.id, status: view.status, matches: view.matches })),
      },
    });
    return response;
  }
}

interface AccountState {
  lines: LineRow[];
  matches: MatchRow[];
  receipts: OpenReceiptRow[];
  suggestions: Map<string, Suggestion[]>;
  config: MatchingConfig;
}

function statusOf(lineId: string, matches: readonly MatchRow[]): LineStatus {
  const mine = matches.filter((match) => match.line_id === lineId);
  if (mine.some((match) => match.kind === 'not-contribution')) return 'not-contribution';
  return mine.length > 0 ? 'matched' : 'unmatched';
}

function assertCredit(line: LineRow): void {
  if (BigInt(line.amount_minor) <= 0n) {
    throw new InvalidMatchError([
      {
        field: 'lineId',
        rule: 'credit',
        reason: `line ${line.id} is a debit: only money received is matched to receipts`,
      },
    ]);
  }
}

function amountMinor(text: string, currency: string): bigint {
  try {
    return Money.parse(text.replace(/,/g, ''), currency).minor;
  } catch {
    throw new InvalidMatchError([
      { field: 'amounts', rule: 'amount', reason: `${text} is not an amount in ${currency}` },
    ]);
  }
}

/** How far the matched amounts are from the line (one line) or from the receipt (several lines). */
function differenceOf(
  payload: OverridePayload,
  pairs: Pair[],
  rows: { lines: LineRow[]; receipts: OpenReceiptRow[]; fundId: string },
  toleranceText: string,
): { beyond: boolean; text: string; fundId: string } {
  const currency = rows.lines[0]?.currency ?? 'CHF';
  const matched = pairs.reduce((total, pair) => total + pair.amountMinor, 0n);
  const receipt = rows.receipts[0];
  const target =
    payload.mode === 'line'
      ? BigInt(rows.lines[0]?.amount_minor ?? '0')
      : receipt === undefined
        ? 0n
        : BigInt(receipt.gross_minor) - BigInt(receipt.charges_minor);
  const gap = target - matched;
  const tolerance = Money.parse(toleranceText, currency).minor;
  return {
    beyond: (gap < 0n ? -gap : gap) > tolerance,
    text: Money.of(gap, currency).toString(),
    fundId: rows.fundId,
  };
}

function toEngineLine(line: LineRow): EngineLine {
  return {
    id: line.id,
    amountMinor: BigInt(line.amount_minor),
    date: line.value_date ?? line.booking_date,
    bankReference: line.bank_reference,
    endToEndId: line.end_to_end_id,
    counterpartyName: line.counterparty_name,
    remittanceText: line.remittance_text,
  };
}

function toEngineReceipt(row: OpenReceiptRow): EngineReceipt {
  return {
    id: row.id,
    grossMinor: BigInt(row.gross_minor),
    chargesMinor: BigInt(row.charges_minor),
    valueDate: row.value_date,
    donorId: row.donor_id,
    bankReference: row.bank_reference,
    remitterName: row.remitter_name,
    remittanceText: row.remittance_text,
  };
}

function receiptView(row: OpenReceiptRow): OpenReceiptView {
  const money = (minor: bigint | string) => Money.fromMinor(minor, row.currency).toDecimalString();
  return {
    id: row.id,
    number: row.number,
    valueDate: row.value_date,
    gross: money(row.gross_minor),
    charges: money(row.charges_minor),
    net: money(BigInt(row.gross_minor) - BigInt(row.charges_minor)),
    currency: row.currency,
    donorId: row.donor_id,
    donor: row.donor_name,
    remitterName: row.remitter_name,
    bankReference: row.bank_reference,
  };
}

function matchView(match: MatchRow, currency: string): MatchView {
  return {
    id: match.id,
    kind: match.kind,
    receiptId: match.receipt_id,
    receiptNumber: match.receipt_number,
    amount: Money.fromMinor(match.amount_minor, currency).toDecimalString(),
    classification: match.classification,
    entryId: match.entry_id,
    score: match.score === null ? null : Number(match.score),
    reasons: match.reasons,
    approvalId: match.approval_id,
    actor: match.actor,
  };
}
