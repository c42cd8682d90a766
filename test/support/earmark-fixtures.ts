import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Response } from 'supertest';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, read field by field
type Body = Record<string, any>;

/** POST as a finance officer: `as('officer').post` of the calling test. */
export type OfficerPost = (url: string, body?: object) => PromiseLike<Response>;

/** A fresh earmark of WSIS-TF, so that each test starts from an earmark with no money. */
export async function newEarmark(sql: Client): Promise<string> {
  const code = `PG-${randomUUID().slice(0, 8).toUpperCase()}`;
  await sql.query(
    `INSERT INTO earmark (fund_id, code, name, created_by)
     SELECT id, $1, 'Participation grants (test)', 'test' FROM fund WHERE code = 'WSIS-TF'`,
    [code],
  );
  return code;
}

/** A donor's agreed CHF pledge to the earmark, paid in full by one CHF receipt: the receipt. */
export async function fundEarmark(
  post: OfficerPost,
  {
    earmark,
    donorId,
    gross,
    valueDate,
  }: Record<'earmark' | 'donorId' | 'gross' | 'valueDate', string>,
): Promise<Body> {
  const pledge = await post('/api/v1/pledges', {
    fund: 'WSIS-TF',
    donorId,
    earmark,
    currency: 'CHF',
    amount: gross,
    announcedOn: '2026-01-10',
    instalments: [{ dueDate: '2026-06-30', amount: gross }],
  });
  expect(pledge.status).toBe(201);
  const agreed = await post(`/api/v1/pledges/${pledge.body.id}/agreement`, {
    agreedOn: '2026-01-20',
    documentRef: `AGR-${randomUUID().slice(0, 8)}`,
  });
  expect(agreed.status).toBe(200);
  const receipt = await post('/api/v1/receipts', {
    bankAccount: 'CHF-MAIN',
    valueDate,
    currency: 'CHF',
    grossAmount: gross,
    donorId,
  });
  expect(receipt.status).toBe(201);
  expect(receipt.body.status).toBe('allocated');
  return receipt.body as Body;
}

/**
 * A partial-ticket grant for a participant from Senegal (an LDC) at a WSIS+20 meeting paid from
 * the earmark, requested and not yet approved: its id.
 */
export async function requestGrant(
  post: OfficerPost,
  sql: Client,
  earmark: string,
  ticket: string,
): Promise<string> {
  const code = `EV-${randomUUID().slice(0, 8).toUpperCase()}`;
  const { rows } = await sql.query<{ id: string }>(
    `INSERT INTO grant_event (fund_id, earmark_id, code, name, place, starts_on, ends_on,
       budget_minor, eligibility_rule, offers_full, offers_partial_ticket,
       offers_partial_allowance, offers_remote, remote_amount_minor, created_by)
     SELECT f.id, e.id, $1, 'WSIS+20 review meeting', 'Geneva', '2026-12-07', '2026-12-11',
            10000000, 'ldc-only', true, true, true, true, 50000, 'test'
       FROM fund f JOIN earmark e ON e.fund_id = f.id AND e.code = $2
      WHERE f.code = 'WSIS-TF' RETURNING grant_event.id`,
    [code, earmark],
  );
  const person = await sql.query<{ id: string }>(
    `INSERT INTO participant (name, normalized_name, gender, country, organisation,
       stakeholder_group, created_by)
     VALUES ($1, lower($1), 'female', 'SN', 'Ministry of ICT', 'government', 'test') RETURNING id`,
    [`Awa Diop ${randomUUID().slice(0, 6)}`],
  );
  const grant = await post('/api/v1/grants', {
    eventId: rows[0].id,
    participantId: person.rows[0].id,
    kind: 'partial-ticket',
    ticket,
    decisionDate: '2026-06-01',
  });
  expect(grant.status).toBe(201);
  return grant.body.id as string;
}
