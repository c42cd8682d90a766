import { randomUUID } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { APP_CONFIG, AppConfig } from '../../src/config/app-config';
import { accessibilityViolations } from '../support/accessibility';
import { Page } from 'playwright-core';
import {
  BrowserApp,
  createPasswordUser,
  describeWithBrowser,
  screenshotPath,
  startBrowserApp,
  submitForm,
  watchPage,
} from '../support/browser';
import { createTestApp, createTestUser, TestUsers } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';

/*
 * The receipt, batch, statement and reconciliation pages in the interface's two languages:
 * French headings and amounts ("12 345,67 CHF", U+202F between thousands, U+00A0 before the
 * currency), amounts typed the French way read exactly, errors in French beside their field,
 * the confirmation asked before a bank line is posted, and no serious or critical accessibility
 * violation on any of these pages, in English or in French.
 */

type Auth = { Authorization: string };
type Body = Record<string, unknown>;

const IBAN = 'CH9300762011623852957';
const CODE = 'UBS-CHF';
const ACCOUNT = `WSIS-TF/${CODE}`;
const KNOWN_REF = 'UBS-20260504-0001';
const OTHER_REF = 'UBS-20260504-0002';
const NNBSP = '\u202f';
const NBSP = '\u00a0';
/** An amount as the French pages write it: "12 345,67 CHF". */
const fr = (grouped: string): string => `${grouped.replace(/ /g, NNBSP)}${NBSP}CHF`;

/** One credit entry of the camt.053 below. */
function entry(amount: string, ref: string, name: string, text: string): string {
  return `
      <Ntry>
        <Amt Ccy="CHF">${amount}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2026-05-04</Dt></BookgDt>
        <ValDt><Dt>2026-05-04</Dt></ValDt>
        <AcctSvcrRef>${ref}</AcctSvcrRef>
        <NtryDtls>
          <TxDtls>
            <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
            <RltdPties><Dbtr><Nm>${name}</Nm></Dbtr></RltdPties>
            <RmtInf><Ustrd>${text}</Ustrd></RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>`;
}

/**
 * A day's statement: opening 1,000.00; 12,320.67 (the net of the receipt carrying KNOWN_REF)
 * and 75.50 nobody knows yet; closing 13,396.17.
 */
const CAMT = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>MSG-20260504</MsgId><CreDtTm>2026-05-05T06:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>STMT-20260504</Id>
      <ElctrncSeqNb>84</ElctrncSeqNb>
      <CreDtTm>2026-05-05T06:00:00</CreDtTm>
      <Acct><Id><IBAN>${IBAN}</IBAN></Id><Ccy>CHF</Ccy></Acct>
      <Bal>
        <Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="CHF">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-05-03</Dt></Dt>
      </Bal>
      <Bal>
        <Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="CHF">13396.17</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-05-04</Dt></Dt>
      </Bal>${entry('12320.67', KNOWN_REF, 'MINISTRY OF FINANCE ACCRA', 'WSIS TRUST FUND 2026')}${entry('75.50', OTHER_REF, 'EMBASSY OF TONGA', 'CONTRIBUTION')}
    </Stmt>
  </BkToCstmrStmt>
</Document>
`;

interface Seeded {
  donorId: string;
  pledge: { id: string; reference: string };
  /** Ghana's receipt of CHF 12,345.67 less 25.00 charges, unapplied, bank reference KNOWN_REF. */
  identified: { id: string; number: string };
  /** CHF 1,000.00 from an embassy nobody has named yet. */
  unidentified: { id: string; number: string };
  draftBatchId: string;
  statementId: string;
}

/**
 * What the pages show: an account with its IBAN, a donor with an agreed pledge, two receipts
 * (one unapplied, one unidentified), a draft batch and an imported statement, all through the
 * API as a finance officer.
 */
async function seed(app: NestExpressApplication, dbUrl: string): Promise<Seeded> {
  const sql = await connect(dbUrl);
  try {
    await sql.query(
      `INSERT INTO bank_account (id, fund_id, code, name, bank_name, account_number, currency,
         created_by)
       SELECT $1, f.id, $2, 'Main CHF account', 'UBS', $3, 'CHF', 'test'
         FROM fund f WHERE f.code = 'WSIS-TF'`,
      [randomUUID(), CODE, IBAN],
    );
  } finally {
    await sql.end();
  }
  const setup = await createTestUser(app, 'seed.officer', ['finance_officer']);
  const api = async (path: string, body: Body, status = 201): Promise<Body> => {
    const res = await request(app.getHttpServer()).post(path).set(setup.auth).send(body);
    expect(res.status).toBe(status);
    return res.body as Body;
  };
  await api('/api/v1/exchange-rates', {
    currency: 'CHF',
    effectiveFrom: '2026-01-01',
    unitsPerUsd: '0.8000',
  });
  const donor = await api('/api/v1/donors', {
    name: 'Republic of Ghana',
    type: 'member_state',
    statementLanguage: 'fr',
    statementCurrency: 'CHF',
  });
  const donorId = donor.id as string;
  const pledge = await api('/api/v1/pledges', {
    fund: 'WSIS-TF',
    donorId,
    currency: 'CHF',
    amount: '30,000.00',
    announcedOn: '2026-02-01',
    instalments: [
      { dueDate: '2026-03-31', amount: '12,000.00' },
      { dueDate: '2027-03-31', amount: '18,000.00' },
    ],
  });
  await api(
    `/api/v1/pledges/${pledge.id as string}/agreement`,
    { agreedOn: '2026-02-15', documentRef: 'GH/WSIS/2026/1' },
    200,
  );
  const identified = await api('/api/v1/receipts', {
    bankAccount: CODE,
    currency: 'CHF',
    valueDate: '2026-05-04',
    grossAmount: '12345.67',
    bankCharges: '25.00',
    donorId,
    allocation: 'none',
    remitterName: 'MINISTRY OF FINANCE ACCRA',
    bankReference: KNOWN_REF,
  });
  const unidentified = await api('/api/v1/receipts', {
    bankAccount: CODE,
    currency: 'CHF',
    valueDate: '2026-05-04',
    grossAmount: '1000.00',
    remitterName: 'EMBASSY OF THE REPUBLIC',
    remittanceText: 'CONTRIBUTION WSIS',
  });
  const batch = await api('/api/v1/receipt-batches', {
    bankAccount: CODE,
    description: 'Liste UBS du 4 mai',
    declaredCount: 2,
    declaredTotal: '2469.00',
    receipts: [{ valueDate: '2026-05-04', grossAmount: '1234.50', remitterName: 'MINISTRY B' }],
  });
  const imported = await api('/api/v1/bank-statements', {
    bankAccount: CODE,
    fileName: 'camt053-2026-05-04.xml',
    content: Buffer.from(CAMT, 'utf8').toString('base64'),
  });
  return {
    donorId,
    pledge: { id: pledge.id as string, reference: pledge.reference as string },
    identified: { id: identified.id as string, number: identified.number as string },
    unidentified: { id: unidentified.id as string, number: unidentified.number as string },
    draftBatchId: batch.id as string,
    statementId: (imported.statements as Body[])[0].id as string,
  };
}

/** The text of the page's first h1. */
function heading(html: string): string {
  return /<h1[^>]*>([^<]*)<\/h1>/.exec(html)?.[1].trim() ?? '';
}

describe('receipt and bank pages in French', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  let officer: Auth;
  let data: Seeded;

  const http = () => request(app.getHttpServer());
  /** A page in French: by the language switch's cookie, or by the browser's Accept-Language. */
  const getFr = (url: string, by: 'cookie' | 'header' = 'cookie') =>
    by === 'cookie'
      ? http().get(url).set(officer).set('Cookie', 'tf_lang=fr')
      : http().get(url).set(officer).set('Accept-Language', 'fr-CH, fr;q=0.9, en;q=0.5');
  const postFr = (url: string, fields: Record<string, string>) =>
    http().post(url).set(officer).set('Cookie', 'tf_lang=fr').type('form').send(fields);
  const count = async (table: string): Promise<number> =>
    (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
  const written = async () => ({
    receipts: await count('receipt'),
    allocations: await count('receipt_allocation'),
    entries: await count('journal_entry'),
    matches: await count('bank_line_match'),
    approvals: await count('approval_request'),
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    sql = await connect(db.url);
    data = await seed(app, db.url);
    officer = await new TestUsers(app).auth('officer.fr', ['finance_officer']);
  });

  afterAll(async () => {
    await sql?.end();
    await app?.close();
    await db?.drop();
  });

  it('renders each receipt and bank page in French, with amounts written the French way', async () => {
    const { identified, unidentified } = data;
    const pages: Array<{
      url: string;
      by?: 'header';
      heading: string | RegExp;
      english: string;
      shows: string[];
    }> = [
      {
        url: '/receipts',
        heading: 'Versements',
        english: '>Record a receipt<',
        shows: [fr('12 345,67'), fr('25,00'), '>Non imputé<', '>Non identifié<', 'Tous'],
      },
      {
        url: '/receipts/new',
        by: 'header',
        heading: 'Enregistrer un versement',
        english: 'Gross amount',
        shows: [`placeholder="50${NNBSP}000,00"`, 'Montant brut', 'Frais bancaires'],
      },
      {
        url: `/receipts/${identified.id}`,
        heading: `Versement ${identified.number}`,
        english: 'Ledger entries',
        shows: [
          `data-testid="receipt-gross">${fr('12 345,67')}<`,
          `data-testid="receipt-net">${fr('12 320,67')}<`,
          // The refund form offers what is left, as French writes it.
          `value="12${NNBSP}345,67"`,
          'Demander un remboursement',
        ],
      },
      {
        url: `/receipts/${identified.id}/allocate`,
        heading: `Imputer le versement ${identified.number}`,
        english: 'Open instalments',
        shows: [
          `data-testid="allocate-unapplied">${fr('12 345,67')}<`,
          fr('12 000,00'),
          fr('18 000,00'),
          'Je confirme l’imputation',
        ],
      },
      {
        url: `/receipts/${unidentified.id}/donor`,
        by: 'header',
        heading: `Attribuer un donateur au versement ${unidentified.number}`,
        english: 'Assign donor',
        shows: [fr('1 000,00'), 'Choisissez un donateur', 'Je confirme le donateur'],
      },
      {
        url: '/receipts/batches',
        heading: 'Lots de versements',
        english: 'New batch',
        shows: [fr('1 234,50'), fr('2 469,00'), '>Brouillon<'],
      },
      {
        url: '/receipts/batches/new',
        heading: 'Nouveau lot de versements',
        english: 'Open batch',
        shows: [`placeholder="152${NNBSP}300,00"`, 'Nombre de versements annoncé'],
      },
      {
        url: `/receipts/batches/${data.draftBatchId}`,
        heading: 'Liste UBS du 4 mai',
        english: 'Save draft',
        shows: [
          'Saisi par rapport à l’annoncé',
          `data-testid="batch-entered-total">${fr('1 234,50')}<`,
          `data-testid="batch-declared-total">${fr('2 469,00')}<`,
          fr('-1 234,50'),
          'Je confirme la comptabilisation',
        ],
      },
      {
        url: `/bank-reconciliation/report?bankAccount=${CODE}&asOf=2026-05-31`,
        by: 'header',
        heading: 'Rapprochement bancaire',
        english: 'Statement balance',
        shows: [`data-testid="statement-balance">${fr('13 396,17')}<`, 'Solde au grand livre'],
      },
      {
        url: '/bank-statements',
        heading: 'Relevés bancaires',
        english: 'Import a statement',
        shows: [fr('1 000,00'), fr('13 396,17')],
      },
      {
        url: `/bank-statements/${data.statementId}`,
        heading: 'Relevé STMT-20260504',
        english: 'Reconcile its lines',
        shows: [fr('12 320,67'), fr('75,50'), 'Solde de clôture'],
      },
      {
        url: '/bank-statements/import',
        heading: 'Importer un relevé bancaire',
        english: 'Content of the file',
        shows: ['Contenu du fichier', 'Choisissez un compte bancaire'],
      },
      {
        url: `/bank-reconciliation?bankAccount=${CODE}`,
        by: 'header',
        heading: 'Atelier de rapprochement',
        english: 'Open receipts',
        shows: [
          fr('12 320,67'),
          `référence bancaire ${KNOWN_REF}`,
          'montant exact',
          'Lignes bancaires : Non rapprochées',
          'Créer un versement à partir de cette ligne',
        ],
      },
    ];
    for (const page of pages) {
      const res = await getFr(page.url, page.by === 'header' ? 'header' : 'cookie');
      expect({ url: page.url, status: res.status }).toEqual({ url: page.url, status: 200 });
      expect(res.text).toContain('<html lang="fr">');
      expect({ url: page.url, heading: heading(res.text) }).toEqual({
        url: page.url,
        heading: page.heading,
      });
      expect({ url: page.url, english: res.text.includes(page.english) }).toEqual({
        url: page.url,
        english: false,
      });
      for (const shown of page.shows) {
        expect({ url: page.url, shows: shown, found: res.text.includes(shown) }).toEqual({
          url: page.url,
          shows: shown,
          found: true,
        });
      }
    }
    // The same page without a choice stays in English.
    const english = await http().get(`/receipts/${identified.id}`).set(officer);
    expect(heading(english.text)).toBe(`Receipt ${identified.number}`);
    expect(english.text).toContain('data-testid="receipt-gross">CHF 12,345.67<');
  });

  it('records a receipt typed the French way: 12 345,67 gross and 25,00 charges, exactly', async () => {
    const form = await getFr('/receipts/new');
    const formKey = /name="formKey" value="([0-9a-f-]{36})"/.exec(form.text)![1];
    const res = await postFr('/receipts', {
      formKey,
      account: ACCOUNT,
      valueDate: '2026-05-05',
      currency: 'CHF',
      grossAmount: '12 345,67',
      bankCharges: '25,00',
      donorId: data.donorId,
      remitterName: 'Ambassade du Ghana',
      allocation: 'none',
    });
    expect(res.status).toBe(303);
    const id = /^\/receipts\/([0-9a-f-]{36})\?done=recorded$/.exec(res.headers.location)![1];
    const api = await http().get(`/api/v1/receipts/${id}`).set(officer);
    expect(api.status).toBe(200);
    expect(api.body).toMatchObject({
      gross: { currency: 'CHF', amount: '12345.67' },
      charges: { currency: 'CHF', amount: '25.00' },
      net: { currency: 'CHF', amount: '12320.67' },
      unapplied: { currency: 'CHF', amount: '12345.67' },
    });
    const page = await getFr(res.headers.location);
    expect(page.text).toContain('data-testid="receipt-notice">Versement enregistré');
    expect(page.text).toContain(`data-testid="receipt-gross">${fr('12 345,67')}<`);
  });

  it('says what is wrong in French beside each field and keeps what was typed', async () => {
    const before = await written();
    const res = await postFr('/receipts', {
      account: '',
      valueDate: '2026-05-05',
      currency: 'CHF',
      grossAmount: 'douze mille',
      bankCharges: '25,00',
      donorId: data.donorId,
      remitterName: 'Ambassade du Ghana',
      remittanceText: 'Contribution volontaire',
      allocation: 'none',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('<html lang="fr">');
    expect(res.text).toContain('Le versement n’a pas été enregistré.');
    // Beside the field, linked from the summary at the top, the field marked invalid.
    expect(res.text).toContain(
      'id="account-error">choisissez le compte bancaire sur lequel les fonds sont arrivés<',
    );
    expect(res.text).toMatch(/id="grossAmount-error">Montant non valable : [^<]*1.234,50/);
    expect(res.text).toContain('href="#grossAmount"');
    expect(res.text).toContain('href="#account"');
    expect(res.text).toMatch(/id="grossAmount"[^>]*value="douze mille"/);
    expect(res.text).toMatch(
      /aria-describedby="grossAmount-hint grossAmount-error"\s+aria-invalid="true"/,
    );
    expect(res.text).toContain('value="25,00"');
    expect(res.text).toContain('value="Ambassade du Ghana"');
    expect(res.text).toContain('>Contribution volontaire</textarea>');
    expect(res.text).toContain(`<option value="${data.donorId}" selected>`);
    expect(await written()).toEqual(before);
  });

  it('reads French amounts on the allocation, refund and batch forms', async () => {
    const { identified } = data;
    const page = await getFr(`/receipts/${identified.id}/allocate`);
    const index = /name="row-(\d+)-instalment" value="1"/.exec(page.text)![1];
    const row = (amount: string): Record<string, string> => ({
      [`row-${index}-pledgeId`]: data.pledge.id,
      [`row-${index}-instalment`]: '1',
      [`row-${index}-amount`]: amount,
    });
    // The running figure reads what is typed the French way too.
    const left = await postFr(`/receipts/${identified.id}/allocate/left`, row('12 000,00'));
    expect(left.text).toContain(`data-over="false">${fr('345,67')}<`);
    const before = await written();
    const unconfirmed = await postFr(`/receipts/${identified.id}/allocate`, {
      ...row('12 000,00'),
      date: '2026-05-20',
      intent: 'explicit',
    });
    expect(unconfirmed.status).toBe(422);
    expect(unconfirmed.text).toContain('id="confirm-error">cochez la case pour confirmer');
    expect(unconfirmed.text).toContain(`value="12 000,00"`);
    expect(await written()).toEqual(before);
    const allocated = await postFr(`/receipts/${identified.id}/allocate`, {
      ...row('12 000,00'),
      date: '2026-05-20',
      confirm: 'true',
      intent: 'explicit',
    });
    expect(allocated.status).toBe(303);
    const receipt = await http().get(`/api/v1/receipts/${identified.id}`).set(officer);
    expect(receipt.body.allocations).toEqual([
      expect.objectContaining({ instalment: 1, amount: { currency: 'CHF', amount: '12000.00' } }),
    ]);
    expect(receipt.body.unapplied).toEqual({ currency: 'CHF', amount: '345.67' });

    // The refund form offers what is left as French writes it; sent back as it is, it is read.
    const detail = await getFr(`/receipts/${identified.id}`);
    const offered = /id="refund-amount" name="amount" [^>]*value="([^"]*)"/.exec(detail.text)![1];
    expect(offered).toBe('345,67');
    const refund = await postFr(`/receipts/${identified.id}/refund`, {
      amount: '1 000,00',
      date: '2026-05-21',
      reason: 'Versé au mauvais fonds',
      confirm: 'true',
    });
    expect(refund.status).toBe(422);
    expect(refund.text).toContain('id="refund-amount-error"');
    expect(refund.text).toContain('value="1 000,00"');
    const sent = await postFr(`/receipts/${identified.id}/refund`, {
      amount: offered,
      date: '2026-05-21',
      reason: 'Versé au mauvais fonds',
      confirm: 'true',
    });
    expect(sent.status).toBe(303);
    const approval = new URL(sent.headers.location, 'http://x').searchParams.get('approval');
    const payload = await sql.query<{ amount: string }>(
      `SELECT payload->>'amount' AS amount FROM approval_request WHERE id = $1`,
      [approval],
    );
    expect(payload.rows[0].amount).toBe('345.67');
    const pending = await getFr(sent.headers.location);
    expect(pending.text).toContain('Approbation demandée : le remboursement a été soumis');

    // A batch: the declared total and the lines typed the French way.
    const opened = await postFr('/receipts/batches', {
      account: `WSIS-TF|${CODE}`,
      description: 'Liste papier du 12 mai',
      declaredCount: '2',
      declaredTotal: '2 469,00',
    });
    expect(opened.status).toBe(303);
    const batchId = /^\/receipts\/batches\/([0-9a-f-]{36})\?done=created$/.exec(
      opened.headers.location,
    )![1];
    const typed = {
      description: 'Liste papier du 12 mai',
      declaredCount: '2',
      declaredTotal: '2 469,00',
      rowCount: '3',
      'row-0-valueDate': '2026-05-12',
      'row-0-grossAmount': '1 234,50',
      'row-1-valueDate': '2026-05-12',
      'row-1-grossAmount': '1234,50',
      'row-1-bankCharges': '12,50',
    };
    const saved = await postFr(`/receipts/batches/${batchId}`, { ...typed, intent: 'save' });
    expect(saved.status).toBe(303);
    const batch = await http().get(`/api/v1/receipt-batches/${batchId}`).set(officer);
    expect(batch.body).toMatchObject({
      declared: { count: 2, total: { amount: '2469.00' } },
      entered: { count: 2, total: { amount: '2469.00' } },
      agrees: true,
    });
    expect(batch.body.lines.map((line: Body) => [line.grossAmount, line.bankCharges])).toEqual([
      ['1234.50', undefined],
      ['1234.50', '12.50'],
    ]);
    const notConfirmed = await postFr(`/receipts/batches/${batchId}`, { ...typed, intent: 'post' });
    expect(notConfirmed.status).toBe(422);
    expect(notConfirmed.text).toContain(
      'id="confirm-error">cochez la case pour confirmer : des versements comptabilisés',
    );
    expect(notConfirmed.text).toContain('value="1 234,50"');
    const posted = await postFr(`/receipts/batches/${batchId}`, {
      ...typed,
      confirm: 'true',
      intent: 'post',
    });
    expect(posted.status).toBe(303);
    const view = await getFr(posted.headers.location);
    expect(view.text).toContain('Lot comptabilisé : chaque versement ci-dessous est enregistré.');
    expect(view.text).toContain(`data-testid="batch-entered-total">${fr('2 469,00')}<`);
  });

  it('asks for a confirmation before a bank line is posted or turned into a receipt', async () => {
    const lines = await http()
      .get(`/api/v1/bank-reconciliation/lines?bankAccount=${CODE}`)
      .set(officer);
    expect(lines.status).toBe(200);
    const line = (lines.body.lines as Body[]).find((l) => l.bankReference === OTHER_REF)!;
    const id = line.id as string;
    const returnTo = `/bank-reconciliation?fund=WSIS-TF&bankAccount=${CODE}&status=unmatched`;
    const before = await written();

    const notContribution = await postFr(`/bank-reconciliation/lines/${id}/not-contribution`, {
      returnTo,
      classification: 'interest',
      account: '4200',
      description: 'Intérêts du deuxième trimestre',
    });
    expect(notContribution.status).toBe(422);
    expect(notContribution.text).toContain(
      `id="nc-${id}-confirm-error">cochez la case pour confirmer : la ligne est comptabilisée`,
    );
    expect(notContribution.text).toContain(`href="#nc-${id}-confirm"`);
    expect(notContribution.text).toContain('value="Intérêts du deuxième trimestre"');
    expect(notContribution.text).toContain(
      '<option value="4200" selected>4200 Produits d’intérêts',
    );

    const missingDescription = await postFr(`/bank-reconciliation/lines/${id}/not-contribution`, {
      returnTo,
      classification: 'fee',
      account: '5100',
      description: '',
      confirm: 'true',
    });
    expect(missingDescription.status).toBe(422);
    expect(missingDescription.text).toContain(`id="nc-${id}-description-error"`);
    expect(missingDescription.text).toContain('<option value="fee" selected>Frais');

    const create = await postFr(`/bank-reconciliation/lines/${id}/create-receipt`, {
      returnTo,
      donorId: data.donorId,
    });
    expect(create.status).toBe(422);
    expect(create.text).toContain(`id="create-${id}-confirm-error">cochez la case pour confirmer`);
    expect(create.text).toContain(`<option value="${data.donorId}" selected>`);
    expect(await written()).toEqual(before);

    const created = await postFr(`/bank-reconciliation/lines/${id}/create-receipt`, {
      returnTo,
      donorId: data.donorId,
      confirm: 'true',
    });
    expect(created.status).toBe(303);
    expect(created.headers.location).toBe(`${returnTo}&done=create-receipt`);
    const after = await getFr(created.headers.location);
    expect(after.text).toContain(
      'Versement enregistré à partir de la ligne et rapproché de celle-ci.',
    );
    expect((await written()).receipts).toBe(before.receipts + 1);
  });
});

const USERNAME = 'awa.officer';
const PASSWORD = 'Saffron-Lagoon-Compass-61';

describeWithBrowser('receipt and bank pages: accessibility in English and French', () => {
  let harness: BrowserApp | undefined;
  let data: Seeded;

  beforeAll(async () => {
    harness = await startBrowserApp(async (app) => {
      await createPasswordUser(app, {
        username: USERNAME,
        password: PASSWORD,
        displayName: 'Awa Diop',
        roles: ['finance_officer'],
      });
      data = await seed(app, app.get<AppConfig>(APP_CONFIG).database.url!);
    });
  });

  afterAll(() => harness?.close());

  /** Signs in (the first time) and chooses the interface's language with the header's switch. */
  async function openIn(page: Page, baseUrl: string, lang: string): Promise<void> {
    await page.goto(`${baseUrl}/language?lang=${lang}&next=${encodeURIComponent('/receipts')}`);
    if (/\/sign-in/.test(page.url())) {
      await page.locator('#username').fill(USERNAME);
      await page.locator('#password').fill(PASSWORD);
      await Promise.all([
        page.waitForURL(`${baseUrl}/receipts`),
        page.locator('#password').press('Enter'),
      ]);
    }
    await page.waitForURL(`${baseUrl}/receipts`);
  }

  it.each(['en', 'fr'])(
    'has no serious or critical violation on any receipt or bank page (%s)',
    async (lang) => {
      const { browser, baseUrl } = harness!;
      const page = await browser.context.newPage();
      const errors = watchPage(page, baseUrl, [422]);
      try {
        await openIn(page, baseUrl, lang);
        const paths = [
          '/receipts',
          '/receipts?queue=unidentified',
          '/receipts/new',
          `/receipts/${data.identified.id}`,
          `/receipts/${data.identified.id}/allocate`,
          `/receipts/${data.unidentified.id}/donor`,
          '/receipts/batches',
          '/receipts/batches/new',
          `/receipts/batches/${data.draftBatchId}`,
          `/bank-reconciliation/report?bankAccount=${CODE}&asOf=2026-05-31`,
          '/bank-statements',
          `/bank-statements/${data.statementId}`,
          '/bank-statements/import',
          `/bank-reconciliation?bankAccount=${CODE}`,
        ];
        const failures: string[] = [];
        const check = async (what: string): Promise<void> => {
          // Folded forms (refund, reversal, a line's actions) are checked open too.
          await page.evaluate(
            "document.querySelectorAll('details').forEach((d) => { d.open = true; })",
          );
          for (const violation of await accessibilityViolations(page)) {
            failures.push(
              `${what}: ${violation.id} (${violation.impact}) ${violation.targets.join(', ')}`,
            );
          }
        };
        for (const path of paths) {
          const response = await page.goto(`${baseUrl}${path}`);
          expect({ path, status: response?.status() }).toEqual({ path, status: 200 });
          expect(await page.getAttribute('html', 'lang')).toBe(lang);
          await check(path);
        }
        // A form answered with its errors: the summary, the messages beside the fields.
        await page.goto(`${baseUrl}/receipts/new`);
        await page.locator('#grossAmount').fill(lang === 'fr' ? 'douze' : 'twelve');
        await submitForm(page, lang === 'fr' ? 'Enregistrer le versement' : 'Record receipt');
        expect(await page.locator('#grossAmount-error').isVisible()).toBe(true);
        await check('/receipts/new (refused)');
        await page.screenshot({
          path: screenshotPath(`receipt-form-errors-${lang}`),
          fullPage: true,
        });
        await page.goto(`${baseUrl}/bank-reconciliation?bankAccount=${CODE}`);
        await page.screenshot({ path: screenshotPath(`workbench-${lang}`), fullPage: true });
        expect(failures).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    },
    180_000,
  );
});
