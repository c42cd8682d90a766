import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CalendarDate } from '../../common/calendar-date';
import { FX_GAINS, FX_LOSSES, RECEIVABLE } from '../../reports/pledge-reconciliation.repository';
import { UNAPPLIED } from '../../receipts/receipt-posting';

export interface StatementFundRow {
  id: string;
  code: string;
  name: string;
  functional_currency: string;
}

/** The donor's receivable before the period and its unapplied credit at the period end. */
export interface DonorBalancesRow {
  opening_minor: string;
  unapplied_minor: string;
}

/**
 * The donor's lines on the receivable and realised FX accounts dated in the period, summed by
 * account, cause (`kind`: the entry's source type, or for a reversal that of the entry it
 * reverses), pledge, receipt and currency.
 */
export interface MovementRow {
  account: string;
  kind: string;
  pledge_id: string | null;
  /** The receipt the entry concerns (receipt entries only), when it is a receipt of the fund. */
  receipt_id: string | null;
  currency: string;
  amount_minor: string;
  functional_minor: string;
  last_on: string;
}

export interface StatementReceiptRow {
  id: string;
  number: string;
  value_date: string;
  currency: string;
  gross_minor: string;
  rate: string | null;
  gross_functional_minor: string;
  charges_functional_minor: string;
  /** References of the pledges the receipt paid (net of reversals) by the period end. */
  pledge_references: string[];
}

export interface ReceiptAllocationSumRow {
  pledge_reference: string;
  earmark_code: string;
  currency: string;
  amount_minor: string;
}

const KIND = `CASE WHEN e.reverses_entry_id IS NULL THEN e.source_type ELSE o.source_type END`;
const SOURCE_REF = `CASE WHEN e.reverses_entry_id IS NULL THEN e.source_ref ELSE o.source_ref END`;
/**
 * The receipt an entry of the receipts module concerns: its lines on FX name it; its receivable
 * lines do not, but the entry's source (or, for a reversal, the reversed entry's) is the receipt.
 */
const RECEIPT_OF_LINE = `CASE WHEN ${KIND} LIKE 'receipt%' THEN coalesce(l.receipt_id,
  CASE WHEN ${SOURCE_REF} ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
       THEN (${SOURCE_REF})::uuid END) END`;

/**
 * Reads, never writes: what a donor statement needs beyond what the pledges and reports modules
 * already read. Everything money is read from journal lines naming the donor (the receivable
 * 1100, unapplied receipts 2000 and realised FX 4100/5200, each carrying the donor dimension).
 */
@Injectable()
export class StatementDataRepository {
  /** The funds the donor has anything with by `to`: a pledge, a receipt or a ledger line. */
  fundsOfDonor(
    manager: EntityManager,
    donorId: string,
    to: CalendarDate,
  ): Promise<StatementFundRow[]> {
    return manager.query<StatementFundRow[]>(
      `SELECT f.id, f.code, f.name, f.functional_currency
         FROM fund f
        WHERE EXISTS (SELECT 1 FROM pledge p
                       WHERE p.fund_id = f.id AND p.donor_id = $1 AND p.announced_on <= $2::date)
           OR EXISTS (SELECT 1 FROM receipt r
                       WHERE r.fund_id = f.id AND r.donor_id = $1 AND r.value_date <= $2::date)
           OR EXISTS (SELECT 1 FROM journal_line l JOIN account a ON a.id = l.account_id
                       WHERE a.fund_id = f.id AND a.code IN ('${RECEIVABLE}', '${UNAPPLIED}')
                         AND l.donor_id = $1 AND l.entry_date <= $2::date)
        ORDER BY f.code`,
      [donorId, to],
    );
  }

  /** Opening receivable (before `from`) and unapplied credit (at `to`), fund currency. */
  async balances(
    manager: EntityManager,
    fundId: string,
    donorId: string,
    from: CalendarDate,
    to: CalendarDate,
  ): Promise<DonorBalancesRow> {
    const [row] = await manager.query<DonorBalancesRow[]>(
      `SELECT coalesce(sum(l.functional_minor)
                FILTER (WHERE a.code = '${RECEIVABLE}' AND l.entry_date < $3::date), 0)::text
                AS opening_minor,
              coalesce(-sum(l.functional_minor) FILTER (WHERE a.code = '${UNAPPLIED}'), 0)::text
                AS unapplied_minor
         FROM journal_line l
         JOIN account a ON a.id = l.account_id
        WHERE a.fund_id = $1 AND a.code IN ('${RECEIVABLE}', '${UNAPPLIED}')
          AND l.donor_id = $2 AND l.entry_date <= $4::date`,
      [fundId, donorId, from, to],
    );
    return row;
  }

  movements(
    manager: EntityManager,
    fundId: string,
    donorId: string,
    from: CalendarDate,
    to: CalendarDate,
  ): Promise<MovementRow[]> {
    return manager.query<MovementRow[]>(
      `SELECT a.code AS account, ${KIND} AS kind, l.pledge_id, r.id AS receipt_id, l.currency,
              sum(l.amount_minor)::text AS amount_minor,
              sum(l.functional_minor)::text AS functional_minor,
              to_char(max(l.entry_date), 'YYYY-MM-DD') AS last_on
         FROM journal_line l
         JOIN account a ON a.id = l.account_id
         JOIN journal_entry e ON e.id = l.entry_id
         LEFT JOIN journal_entry o ON o.id = e.reverses_entry_id
         LEFT JOIN receipt r ON r.id = ${RECEIPT_OF_LINE} AND r.fund_id = l.fund_id
        WHERE a.fund_id = $1 AND a.code IN ('${RECEIVABLE}', '${FX_GAINS}', '${FX_LOSSES}')
          AND l.donor_id = $2 AND l.entry_date BETWEEN $3::date AND $4::date
        GROUP BY 1, 2, 3, 4, 5`,
      [fundId, donorId, from, to],
    );
  }

  /**
   * The donor's receipts of the fund with a value date in the period, and those named in
   * `alsoIds` (money applied in the period from a receipt that arrived earlier), by value date.
   */
  receipts(
    manager: EntityManager,
    fundId: string,
    donorId: string,
    from: CalendarDate,
    to: CalendarDate,
    alsoIds: readonly string[],
  ): Promise<StatementReceiptRow[]> {
    return manager.query<StatementReceiptRow[]>(
      `SELECT r.id, r.number, to_char(r.value_date, 'YYYY-MM-DD') AS value_date, r.currency,
              r.gross_minor::text AS gross_minor, r.rate::text AS rate,
              r.gross_functional_minor::text AS gross_functional_minor,
              r.charges_functional_minor::text AS charges_functional_minor,
              coalesce((SELECT array_agg(paid.reference ORDER BY paid.reference)
                          FROM (SELECT p.reference FROM receipt_allocation ra
                                  JOIN pledge p ON p.id = ra.pledge_id
                                 WHERE ra.receipt_id = r.id AND ra.allocated_on <= $4::date
                                 GROUP BY p.reference
                                HAVING sum(ra.amount_minor) > 0) paid),
                       '{}') AS pledge_references
         FROM receipt r
        WHERE r.fund_id = $1
          AND ((r.donor_id = $2 AND r.value_date BETWEEN $3::date AND $4::date)
               OR r.id = ANY($5::uuid[]))
        ORDER BY r.value_date, r.number`,
      [fundId, donorId, from, to, alsoIds],
    );
  }

  /** How many distinct participants the grants are for. */
  async participants(manager: EntityManager, grantIds: readonly string[]): Promise<number> {
    if (grantIds.length === 0) return 0;
    const [row] = await manager.query<{ n: number }[]>(
      `SELECT count(DISTINCT participant_id)::int AS n FROM participation_grant
        WHERE id = ANY($1::uuid[])`,
      [grantIds],
    );
    return row.n;
  }

  /** What the receipt paid, per pledge, in the pledge's currency, net of reversals. */
  allocationsOfReceipt(
    manager: EntityManager,
    receiptId: string,
  ): Promise<ReceiptAllocationSumRow[]> {
    return manager.query<ReceiptAllocationSumRow[]>(
      `SELECT p.reference AS pledge_reference, em.code AS earmark_code, p.currency,
              sum(ra.pledge_amount_minor)::text AS amount_minor
         FROM receipt_allocation ra
         JOIN pledge p ON p.id = ra.pledge_id
         JOIN earmark em ON em.id = p.earmark_id
        WHERE ra.receipt_id = $1
        GROUP BY p.reference, em.code, p.currency
       HAVING sum(ra.pledge_amount_minor) <> 0
        ORDER BY min(ra.created_at), p.reference`,
      [receiptId],
    );
  }
}
