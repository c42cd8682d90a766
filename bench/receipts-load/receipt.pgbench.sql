-- One receipt as POST /api/v1/receipts records it (donor + explicit allocation to its pledge),
-- statement for statement, captured with log_min_duration_statement = 0 on the application's
-- scratch database (the list after the numbers last checked against the application's own
-- statements on 2026-11-28: entry + lines, receipt + allocations, audit_append, answer,
-- COMMIT). The answer stored for the Idempotency-Key carries the receipt's entry, as the
-- application's does. Run by bench/receipts-load.bench.ts as: pgbench -n -M prepared -f this
-- -D pledges=N -D value_date=YYYY-MM-DD (prepared, as the application sends its statements with
-- parameters since 2026-11-28). JSON texts the application builds are constants here of the
-- same size.
\set n random(1, :pledges)
-- which donor and pledge (the bench's own lookup: the client of the application knows them)
SELECT donor_id, pledge_id, earmark_id, gen_random_uuid() AS rid, gen_random_uuid() AS eid,
       gen_random_uuid() AS aid, 'pgb-' || gen_random_uuid() AS ikey
  FROM bench_pair WHERE n = :n \gset
-- authentication: the personal access token, then its user
WITH token AS (
  SELECT id, user_id, last_used_at FROM access_token
   WHERE token_hash = (SELECT token_hash FROM access_token ORDER BY created_at LIMIT 1)
     AND revoked_at IS NULL AND expires_at > now()),
touched AS (
  UPDATE access_token t SET last_used_at = now() FROM token
   WHERE t.id = token.id AND (token.last_used_at IS NULL OR token.last_used_at < now() - interval '1 minute'))
SELECT user_id FROM token \gset
SELECT u.id, u.username, u.display_name, u.password_hash, u.disabled_at, u.created_by, u.created_at,
       coalesce((SELECT array_agg(r.role ORDER BY r.role) FROM user_role r WHERE r.user_id = u.id), '{}') AS roles,
       coalesce((SELECT array_agg(d.donor_id::text ORDER BY d.donor_id) FROM user_donor d
                  WHERE d.user_id = u.id), '{}') AS donor_ids
  FROM app_user u WHERE u.id = :user_id::uuid;
-- idempotency: an earlier answer for the key?
WITH expired AS (
  DELETE FROM idempotency_record WHERE scope = 'actor' || chr(58) || 'bench.officer' AND key = :ikey::text AND expires_at < now())
SELECT request_hash, status_code, response_body FROM idempotency_record
 WHERE scope = 'actor' || chr(58) || 'bench.officer' AND key = :ikey::text AND status_code IS NOT NULL AND expires_at >= now();
START TRANSACTION;
SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
INSERT INTO idempotency_record (scope, key, request_hash, expires_at)
VALUES ('actor' || chr(58) || 'bench.officer', :ikey::text, encode(sha256(convert_to(:ikey::text, 'UTF8')), 'hex'), now() + make_interval(hours => 72));
SELECT id AS fund_id FROM fund WHERE code = 'WSIS-TF' \gset
SELECT id AS bank_id, fund_id, code, name, currency FROM bank_account WHERE fund_id = :fund_id::uuid AND code = 'UBS-CHF' \gset
SELECT name FROM donor WHERE id = :donor_id::uuid;
SELECT p.id FROM pledge p
 WHERE p.fund_id = :fund_id::uuid AND p.donor_id = :donor_id::uuid AND p.agreed_on IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM pledge_event ev WHERE ev.pledge_id = p.id AND ev.kind IN ('cancelled', 'written-off'))
 ORDER BY p.reference;
SELECT id FROM pledge WHERE id = ANY(ARRAY[:pledge_id]::uuid[]) ORDER BY id FOR UPDATE;
SELECT p.id, p.fund_id, f.code AS fund_code, f.functional_currency, p.donor_id, d.name AS donor_name,
       p.earmark_id, em.code AS earmark_code, p.reference, p.currency,
       p.amount_minor::text AS amount_minor, to_char(p.announced_on, 'YYYY-MM-DD') AS announced_on,
       to_char(p.agreed_on, 'YYYY-MM-DD') AS agreed_on, p.agreement_ref, p.conditional,
       to_char(p.conditions_met_on, 'YYYY-MM-DD') AS conditions_met_on, p.created_by, p.created_at,
       ending.kind AS ending_kind, to_char(ending.effective_on, 'YYYY-MM-DD') AS ending_on,
       ending.reason AS ending_reason, count(*) OVER () AS total
  FROM pledge p JOIN fund f ON f.id = p.fund_id JOIN donor d ON d.id = p.donor_id
  JOIN earmark em ON em.id = p.earmark_id
  LEFT JOIN pledge_event ending ON ending.pledge_id = p.id AND ending.kind IN ('cancelled', 'written-off')
 WHERE p.fund_id = :fund_id::uuid AND p.donor_id = ANY(ARRAY[:donor_id]::uuid[]) AND p.announced_on <= '9999-12-31'::date
 ORDER BY p.reference ASC, p.id;
SELECT pledge_id, seq, to_char(due_date, 'YYYY-MM-DD') AS due_date, amount_minor::text AS amount_minor
  FROM pledge_instalment WHERE pledge_id = ANY(ARRAY[:pledge_id]::uuid[]) ORDER BY pledge_id, due_date, seq;
SELECT l.pledge_id, CASE WHEN e.reverses_entry_id IS NULL THEN e.source_type ELSE o.source_type END AS kind,
       l.currency, sum(l.amount_minor)::text AS amount_minor, sum(l.functional_minor)::text AS functional_minor
  FROM journal_line l JOIN journal_entry e ON e.id = l.entry_id
  LEFT JOIN journal_entry o ON o.id = e.reverses_entry_id
 WHERE l.account_id IN (SELECT a.id FROM account a WHERE a.code = '1100')
   AND l.pledge_id = ANY(ARRAY[:pledge_id]::uuid[]) AND l.entry_date <= '9999-12-31'::date
 GROUP BY 1, 2, 3;
SELECT pledge_id, instalment_seq AS seq, sum(pledge_amount_minor)::text AS amount_minor
  FROM receipt_allocation WHERE pledge_id = ANY(ARRAY[:pledge_id]::uuid[]) AND allocated_on <= '9999-12-31'::date
 GROUP BY pledge_id, instalment_seq;
SELECT DISTINCT ON (pledge_id) id, pledge_id, number, to_char(effective_on, 'YYYY-MM-DD') AS effective_on, reason,
       amount_before::text AS amount_before, amount_after::text AS amount_after, schedule_before,
       schedule_after, entry_id, actor, at
  FROM pledge_amendment WHERE pledge_id = ANY(ARRAY[:pledge_id]::uuid[]) AND effective_on > '9999-12-31'::date
 ORDER BY pledge_id, number;
SELECT max(id::text) FILTER (WHERE code = '1000') AS cash, max(id::text) FILTER (WHERE code = '1100') AS recv
  FROM account WHERE fund_id = :fund_id::uuid \gset
INSERT INTO accounting_period (fund_id, period, changed_by) VALUES (:fund_id::uuid, to_char(:value_date::date, 'YYYY-MM'), 'bench.officer')
    ON CONFLICT (fund_id, period) DO NOTHING;
SELECT status FROM accounting_period WHERE fund_id = :fund_id::uuid AND period = to_char(:value_date::date, 'YYYY-MM') FOR SHARE;
-- the receipt's and the entry's numbers: the counter rows stay locked until commit
WITH c0 AS (
  INSERT INTO receipt_sequence (fund_id, year, last_number) SELECT :fund_id::uuid, extract(year FROM :value_date::date)::int, 1
      ON CONFLICT (fund_id, year) DO UPDATE SET last_number = receipt_sequence.last_number + 1
   RETURNING last_number, year),
c1 AS (
  INSERT INTO journal_sequence (fund_id, fiscal_year, last_number) SELECT :fund_id::uuid, extract(year FROM :value_date::date)::int, 1 FROM c0
      ON CONFLICT (fund_id, fiscal_year) DO UPDATE SET last_number = journal_sequence.last_number + 1
   RETURNING last_number, fiscal_year)
SELECT 'RCT-' || c0.year || '-' || lpad(c0.last_number::text, 6, '0') AS rct, c1.last_number AS seq,
       'JE-' || c1.fiscal_year || '-' || lpad(c1.last_number::text, 6, '0') AS je
  FROM c0, c1 \gset
-- the entry and its lines in one statement, answered as they were stored
WITH e AS (
  INSERT INTO journal_entry (id, fund_id, number, fiscal_year, sequence, entry_date,
           description, source_type, source_ref, idempotency_key, line_count, reverses_entry_id,
           reason, created_by)
  VALUES (:eid::uuid, :fund_id::uuid, :je::text, extract(year FROM :value_date::date), :seq::int, :value_date::date,
          'Receipt ' || :rct::text || ' from Load bench', 'receipt', :rid::text, 'receipt:' || :rid::text, 2, NULL, NULL, 'bench.officer')
  RETURNING *),
l AS (
  INSERT INTO journal_line (entry_id, line_no, fund_id, entry_date, account_id, donor_id,
           earmark_id, bank_account_id, currency, amount_minor, functional_minor, rate, pledge_id,
           receipt_id)
  VALUES (:eid::uuid, 1, :fund_id::uuid, :value_date::date, :cash::uuid, NULL, NULL, :bank_id::uuid, 'CHF', 1000, 1000, NULL, NULL, :rid::uuid),
         (:eid::uuid, 2, :fund_id::uuid, :value_date::date, :recv::uuid, :donor_id::uuid, :earmark_id::uuid, NULL, 'CHF', -1000, -1000, NULL, :pledge_id::uuid, :rid::uuid)
  RETURNING *)
SELECT e.id, e.fund_id, f.code AS fund_code, f.functional_currency, e.number,
       to_char(e.entry_date, 'YYYY-MM-DD') AS entry_date, e.description, e.source_type,
       e.source_ref, e.reverses_entry_id, NULL::uuid AS reversed_by_entry_id, e.reason, e.created_by, e.created_at,
       l.entry_id, l.line_no, l.account_id, a.code AS account_code, a.name AS account_name,
       l.donor_id, l.earmark_id, em.code AS earmark_code, l.bank_account_id, l.pledge_id,
       l.receipt_id, l.currency, l.amount_minor::text AS amount_minor,
       l.functional_minor::text AS functional_minor, l.rate::text AS rate
  FROM e JOIN fund f ON f.id = e.fund_id JOIN l ON l.entry_id = e.id
  JOIN account a ON a.id = l.account_id LEFT JOIN earmark em ON em.id = l.earmark_id
 ORDER BY l.line_no;
-- the receipt and its allocations in one statement; the answer is built from what was written
WITH r AS (
  INSERT INTO receipt (id, fund_id, number, bank_account_id, value_date, currency,
           gross_minor, charges_minor, rate, gross_functional_minor, charges_functional_minor,
           donor_id, remitter_name, remittance_text, bank_reference, batch_id, entry_id, created_by)
  VALUES (:rid::uuid, :fund_id::uuid, :rct::text, :bank_id::uuid, :value_date::date, 'CHF', 1000, 0, NULL, 1000, 0, :donor_id::uuid,
          'Load bench', NULL, NULL, NULL, :eid::uuid, 'bench.officer')
  RETURNING created_at),
a AS (
  INSERT INTO receipt_allocation (id, fund_id, receipt_id, pledge_id, donor_id,
           instalment_seq, allocated_on, amount_minor, pledge_amount_minor, value_functional_minor,
           relieved_functional_minor, fx_functional_minor, entry_id, reverses_allocation_id,
           created_by)
  VALUES (:aid::uuid, :fund_id::uuid, :rid::uuid, :pledge_id::uuid, :donor_id::uuid, 1, :value_date::date, 1000, 1000, 1000, 1000, 0,
          :eid::uuid, NULL, 'bench.officer')
  RETURNING 1)
SELECT created_at FROM r;
-- the audit record, last, in one call: the chain's lock (held until commit), the last hash read
-- after it, the insert with the hash the database computes from the canonical JSON around
-- prev_hash (here: texts of the same size as the application's)
SELECT id, prev_hash, hash
  FROM audit_append(7310020002::bigint, now(), 'bench.officer', :user_id::uuid, 'receipt.record', 'receipt',
                    :rid::text, NULL::jsonb,
                    '{"net": {"amount": "10.00", "currency": "CHF"}, "fund": "WSIS-TF", "rate": null, "donor": {"id": "b292a4fd-b8b7-45a1-a1b1-4d20b182b5cc", "name": "Donor 1"}, "gross": {"amount": "10.00", "currency": "CHF"}, "events": [], "status": "allocated", "batchId": null, "charges": {"amount": "0.00", "currency": "CHF"}, "entryId": "e7fb9188-ff1f-436c-a29d-7855cc2e8301", "refunded": {"amount": "0.00", "currency": "CHF"}, "allocated": {"amount": "10.00", "currency": "CHF"}, "createdAt": "2026-11-28T19:12:15.945Z", "createdBy": "bench.officer", "unapplied": {"amount": "0.00", "currency": "CHF"}, "valueDate": "2026-11-28", "allocations": [{"fx": {"amount": "0.00", "currency": "CHF"}, "id": "b2b3735d-8606-43dc-a395-91a75f3bdbcc", "value": {"amount": "10.00", "currency": "CHF"}, "amount": {"amount": "10.00", "currency": "CHF"}, "entryId": "e7fb9188-ff1f-436c-a29d-7855cc2e8301", "pledgeId": "795fdb66-86f8-4837-beb7-d11f12fb7253", "relieved": {"amount": "10.00", "currency": "CHF"}, "instalment": 1, "allocatedOn": "2026-11-28", "pledgeAmount": {"amount": "10.00", "currency": "CHF"}, "pledgeReference": "WSIS-TF-2026-0001", "reversesAllocationId": null}], "bankAccount": {"id": "3ed11a61-7fbd-4df8-a8ba-9afaf6afc259", "code": "UBS-CHF", "name": "CHF account"}, "remitterName": "Load bench", "bankReference": null, "remittanceText": null, "grossFunctional": {"amount": "10.00", "currency": "CHF"}, "unappliedFunctional": {"amount": "0.00", "currency": "CHF"}}'::jsonb || jsonb_build_object('id', :rid::text, 'number', :rct::text),
                    gen_random_uuid()::text, '127.0.0.1',
                    '{"net": {"amount": "10.00", "currency": "CHF"}, "fund": "WSIS-TF", "rate": null, "donor": {"id": "b292a4fd-b8b7-45a1-a1b1-4d20b182b5cc", "name": "Donor 1"}, "gross": {"amount": "10.00", "currency": "CHF"}, "events": [], "status": "allocated", "batchId": null, "charges": {"amount": "0.00", "currency": "CHF"}, "entryId": "e7fb9188-ff1f-436c-a29d-7855cc2e8301", "refunded": {"amount": "0.00", "currency": "CHF"}, "allocated": {"amount": "10.00", "currency": "CHF"}, "createdAt": "2026-11-28T19:12:15.945Z", "createdBy": "bench.officer", "unapplied": {"amount": "0.00", "currency": "CHF"}, "valueDate": "2026-11-28", "allocations": [{"fx": {"amount": "0.00", "currency": "CHF"}, "id": "b2b3735d-8606-43dc-a395-91a75f3bdbcc", "value": {"amount": "10.00", "currency": "CHF"}, "amount": {"amount": "10.00", "currency": "CHF"}, "entryId": "e7fb9188-ff1f-436c-a29d-7855cc2e8301", "pledgeId": "795fdb66-86f8-4837-beb7-d11f12fb7253", "relieved": {"amount": "10.00", "currency": "CHF"}, "instalment": 1, "allocatedOn": "2026-11-28", "pledgeAmount": {"amount": "10.00", "currency": "CHF"}, "pledgeReference": "WSIS-TF-2026-0001", "reversesAllocationId": null}], "bankAccount": {"id": "3ed11a61-7fbd-4df8-a8ba-9afaf6afc259", "code": "UBS-CHF", "name": "CHF account"}, "remitterName": "Load bench", "bankReference": null, "remittanceText": null, "grossFunctional": {"amount": "10.00", "currency": "CHF"}, "unappliedFunctional": {"amount": "0.00", "currency": "CHF"}}' || :rid::text || :rct::text || ',"prev_hash":',
                    ',"request_id":"' || gen_random_uuid()::text || '"}');
UPDATE idempotency_record SET status_code = 201,
       response_body = '{"net": {"amount": "10.00", "currency": "CHF"}, "fund": "WSIS-TF", "rate": null, "donor": {"id": "b292a4fd-b8b7-45a1-a1b1-4d20b182b5cc", "name": "Donor 1"}, "gross": {"amount": "10.00", "currency": "CHF"}, "events": [], "status": "allocated", "batchId": null, "charges": {"amount": "0.00", "currency": "CHF"}, "entryId": "e7fb9188-ff1f-436c-a29d-7855cc2e8301", "refunded": {"amount": "0.00", "currency": "CHF"}, "allocated": {"amount": "10.00", "currency": "CHF"}, "createdAt": "2026-11-28T19:12:15.945Z", "createdBy": "bench.officer", "unapplied": {"amount": "0.00", "currency": "CHF"}, "valueDate": "2026-11-28", "allocations": [{"fx": {"amount": "0.00", "currency": "CHF"}, "id": "b2b3735d-8606-43dc-a395-91a75f3bdbcc", "value": {"amount": "10.00", "currency": "CHF"}, "amount": {"amount": "10.00", "currency": "CHF"}, "entryId": "e7fb9188-ff1f-436c-a29d-7855cc2e8301", "pledgeId": "795fdb66-86f8-4837-beb7-d11f12fb7253", "relieved": {"amount": "10.00", "currency": "CHF"}, "instalment": 1, "allocatedOn": "2026-11-28", "pledgeAmount": {"amount": "10.00", "currency": "CHF"}, "pledgeReference": "WSIS-TF-2026-0001", "reversesAllocationId": null}], "bankAccount": {"id": "3ed11a61-7fbd-4df8-a8ba-9afaf6afc259", "code": "UBS-CHF", "name": "CHF account"}, "remitterName": "Load bench", "bankReference": null, "remittanceText": null, "grossFunctional": {"amount": "10.00", "currency": "CHF"}, "unappliedFunctional": {"amount": "0.00", "currency": "CHF"}, "entries": [{"id": "e7fb9188-ff1f-436c-a29d-7855cc2e8301", "fund": "WSIS-TF", "number": "JE-2026-000001", "date": "2026-11-28", "description": "Receipt RCT-2026-000001 from Load bench", "source": {"type": "receipt", "ref": "b2b3735d-8606-43dc-a395-91a75f3bdbcc"}, "reversesEntryId": null, "reversedByEntryId": null, "reason": null, "createdBy": "bench.officer", "createdAt": "2026-11-28T19:12:15.945Z", "lines": [{"lineNo": 1, "account": {"code": "1000", "name": "Cash at bank"}, "donorId": null, "earmark": null, "bankAccountId": "3ed11a61-7fbd-4df8-a8ba-9afaf6afc259", "pledgeId": null, "receiptId": "b2b3735d-8606-43dc-a395-91a75f3bdbcc", "debit": {"amount": "10.00", "currency": "CHF"}, "credit": null, "functional": {"amount": "10.00", "currency": "CHF"}, "rate": null}, {"lineNo": 2, "account": {"code": "1100", "name": "Contributions receivable"}, "donorId": "b292a4fd-b8b7-45a1-a1b1-4d20b182b5cc", "earmark": "UNEARMARKED", "bankAccountId": null, "pledgeId": "795fdb66-86f8-4837-beb7-d11f12fb7253", "receiptId": "b2b3735d-8606-43dc-a395-91a75f3bdbcc", "debit": null, "credit": {"amount": "10.00", "currency": "CHF"}, "functional": {"amount": "-10.00", "currency": "CHF"}, "rate": null}]}]}'::jsonb
 WHERE scope = 'actor' || chr(58) || 'bench.officer' AND key = :ikey::text;
COMMIT;
