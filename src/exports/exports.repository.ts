import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** IATI transaction type codes (2.03 TransactionType codelist) the export uses. */
export type IatiTransactionCode = '1' | '3' | '11' | '13';

/** One IATI transaction of a fund, as the database gives it (amounts in minor units). */
export interface IatiTransactionRow {
  type: IatiTransactionCode;
  date: string;
  currency: string;
  amount_minor: string;
  /** What the transaction is: a pledge reference, a receipt or grant number. */
  ref: string;
  description: string;
  /** The donor (incoming) or null for a disbursement. */
  provider_name: string | null;
  /** The participant's organisation for a disbursement, else null (the fund receives). */
  receiver_name: string | null;
}

export interface HledgerLineRow {
  entry_id: string;
  number: string;
  entry_date: string;
  sequence: number;
  description: string;
  line_no: number;
  account_code: string;
  account_name: string;
  account_kind: string;
  donor_id: string | null;
  earmark_code: string | null;
  bank_code: string | null;
  currency: string;
  amount_minor: string;
  functional_minor: string;
}

/** Where a page of journal entries ends: the next page starts after it. */
export interface EntryCursor {
  entryDate: string;
  sequence: number;
}

/** The SQL of the open-format exports: read-only, aggregated or paged in the database. */
@Injectable()
export class ExportsRepository {
  /**
   * The fund's IATI transactions dated in [from, to], in date order:
   * 13 each pledge's announcement (the amount first announced, before any amendment);
   * 11 each agreement and each amendment posted after it (what moved the receivable 1100);
   * 1 each receipt (gross, in its currency), less its refunds and reversals (negative);
   * 3 each grant disbursement (in the fund currency).
   */
  iatiTransactions(
    manager: EntityManager,
    fundId: string,
    from: string,
    to: string,
  ): Promise<IatiTransactionRow[]> {
    return manager.query<IatiTransactionRow[]>(
      `WITH receivable AS (
         SELECT id FROM account WHERE fund_id = $1 AND code = '1100'
       )
       SELECT '13' AS type, p.announced_on::text AS date, p.currency,
              coalesce((SELECT a.amount_before FROM pledge_amendment a
                         WHERE a.pledge_id = p.id ORDER BY a.number LIMIT 1),
                       p.amount_minor)::text AS amount_minor,
              p.reference AS ref, 'Pledge ' || p.reference || ' announced' AS description,
              d.name AS provider_name, NULL::text AS receiver_name
         FROM pledge p JOIN donor d ON d.id = p.donor_id
        WHERE p.fund_id = $1 AND p.announced_on BETWEEN $2::date AND $3::date
       UNION ALL
       SELECT '11', ev.effective_on::text, l.currency, sum(l.amount_minor)::text,
              p.reference,
              CASE ev.kind WHEN 'agreed' THEN 'Agreement on pledge ' || p.reference
                           ELSE 'Amendment of pledge ' || p.reference END,
              d.name, NULL
         FROM (SELECT pe.pledge_id, pe.kind, pe.effective_on, pe.entry_id
                 FROM pledge_event pe WHERE pe.kind = 'agreed' AND pe.entry_id IS NOT NULL
               UNION ALL
               SELECT pa.pledge_id, 'amended', pa.effective_on, pa.entry_id
                 FROM pledge_amendment pa WHERE pa.entry_id IS NOT NULL) ev
         JOIN pledge p ON p.id = ev.pledge_id
         JOIN donor d ON d.id = p.donor_id
         JOIN journal_line l ON l.entry_id = ev.entry_id
                            AND l.account_id = (SELECT id FROM receivable)
        WHERE p.fund_id = $1 AND ev.effective_on BETWEEN $2::date AND $3::date
        GROUP BY ev.pledge_id, ev.kind, ev.effective_on, ev.entry_id, l.currency, p.reference, d.name
       HAVING sum(l.amount_minor) <> 0
       UNION ALL
       SELECT '1', r.value_date::text, r.currency, r.gross_minor::text, r.number,
              'Receipt ' || r.number, coalesce(d.name, 'Unidentified remitter'), NULL
         FROM receipt r LEFT JOIN donor d ON d.id = r.donor_id
        WHERE r.fund_id = $1 AND r.value_date BETWEEN $2::date AND $3::date
       UNION ALL
       SELECT '1', ev.effective_on::text, r.currency,
              (-CASE ev.kind WHEN 'refunded' THEN ev.amount_minor ELSE r.gross_minor END)::text,
              r.number,
              CASE ev.kind WHEN 'refunded' THEN 'Refund of receipt ' || r.number
                           ELSE 'Reversal of receipt ' || r.number END,
              coalesce(d.name, 'Unidentified remitter'), NULL
         FROM receipt_event ev
         JOIN receipt r ON r.id = ev.receipt_id
         LEFT JOIN donor d ON d.id = r.donor_id
        WHERE r.fund_id = $1 AND ev.kind IN ('refunded', 'reversed')
          AND ev.effective_on BETWEEN $2::date AND $3::date
       UNION ALL
       SELECT '3', s.effective_on::text, f.functional_currency, s.amount_minor::text, g.number,
              'Participation grant ' || g.number || ' disbursed', NULL,
              nullif(btrim(pt.organisation), '')
         FROM grant_step s
         JOIN participation_grant g ON g.id = s.grant_id
         JOIN participant pt ON pt.id = g.participant_id
         JOIN fund f ON f.id = g.fund_id
        WHERE g.fund_id = $1 AND s.kind = 'disbursed' AND s.amount_minor IS NOT NULL
          AND s.effective_on BETWEEN $2::date AND $3::date
       ORDER BY 2, 1, 5`,
      [fundId, from, to],
    );
  }

  /** The first day anything happened in the fund (its earliest pledge, receipt or entry). */
  async firstActivity(manager: EntityManager, fundId: string): Promise<string | null> {
    const [row] = await manager.query<{ first: string | null }[]>(
      `SELECT least((SELECT min(announced_on) FROM pledge WHERE fund_id = $1),
                    (SELECT min(entry_date) FROM journal_entry WHERE fund_id = $1))::text AS first`,
      [fundId],
    );
    return row?.first ?? null;
  }

  /**
   * A page of the fund's journal with its lines, entries dated up to asOf, in posting order
   * (date, then number within the year), after the cursor. Keyset paging on
   * journal_entry_fund_date_idx: every page costs the same, however deep.
   */
  journalPage(
    manager: EntityManager,
    fundId: string,
    asOf: string,
    after: EntryCursor | null,
    entries: number,
  ): Promise<HledgerLineRow[]> {
    return manager.query<HledgerLineRow[]>(
      `WITH page AS (
         SELECT id, number, entry_date, sequence, description
           FROM journal_entry
          WHERE fund_id = $1 AND entry_date <= $2::date
            AND ($3::date IS NULL OR (entry_date, sequence) > ($3::date, $4::int))
          ORDER BY entry_date, sequence
          LIMIT $5
       )
       SELECT p.id AS entry_id, p.number, p.entry_date::text AS entry_date, p.sequence,
              p.description, l.line_no, a.code AS account_code, a.name AS account_name,
              a.kind AS account_kind, l.donor_id::text AS donor_id, e.code AS earmark_code,
              b.code AS bank_code, l.currency, l.amount_minor::text AS amount_minor,
              l.functional_minor::text AS functional_minor
         FROM page p
         JOIN journal_line l ON l.entry_id = p.id
         JOIN account a ON a.id = l.account_id
         LEFT JOIN earmark e ON e.id = l.earmark_id
         LEFT JOIN bank_account b ON b.id = l.bank_account_id
        ORDER BY p.entry_date, p.sequence, l.line_no`,
      [fundId, asOf, after?.entryDate ?? null, after?.sequence ?? 0, entries],
    );
  }
}
