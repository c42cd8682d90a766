import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import { XMLParser } from 'fast-xml-parser';
import { Client } from 'pg';
import request from 'supertest';
import { authedHttp, createTestApp } from '../support/test-app';
import { connect, createTestDatabase, TestDatabase } from '../support/test-database';
import { AWKWARD_DONOR, Body, buildExportsLedger, ExportsLedger } from './exports-fixtures';

const IATI = '/api/v1/exports/iati';
const SCHEMA = resolve(__dirname, '../fixtures/iati/iati-activities-schema.xsd');

/** A decimal string as hundredths (every amount here has two decimals). */
function cents(text: string): bigint {
  const negative = text.startsWith('-');
  const [whole, fraction = ''] = text.replace('-', '').split('.');
  const value = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
  return negative ? -value : value;
}

interface Transaction {
  type: string;
  ref: string;
  date: string;
  currency: string;
  value: string;
  provider: string;
  providerRef: string | undefined;
  receiver: string;
  receiverRef: string | undefined;
}

describe('IATI 2.03 export', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let sql: Client;
  let ledger: ExportsLedger;
  let dir: string;

  const as = (name: string) => authedHttp(app, ledger.auth[name]);

  async function iati(query: string, user = 'auditor'): Promise<string> {
    const res = await as(user).get(`${IATI}${query}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/xml/);
    return res.text;
  }

  /** xmllint's verdict on the file against the official IATI 2.03 activity schema. */
  function validate(xml: string, name: string): { status: number | null; stderr: string } {
    const file = join(dir, name);
    writeFileSync(file, xml);
    const run = spawnSync('xmllint', ['--noout', '--nonet', '--schema', SCHEMA, file], {
      encoding: 'utf8',
    });
    return { status: run.status, stderr: run.stderr };
  }

  function transactions(xml: string): Transaction[] {
    const parser = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      parseTagValue: false,
      parseAttributeValue: false,
      isArray: (name) => ['iati-activity', 'transaction', 'narrative'].includes(name),
    });
    const doc = parser.parse(xml) as Body;
    const activity = doc['iati-activities']['iati-activity'][0] as Body;
    const text = (org: Body): string => org.narrative[0]['#text'] ?? org.narrative[0];
    return ((activity.transaction ?? []) as Body[]).map((t) => ({
      type: t['transaction-type'].code,
      ref: t.ref,
      date: t['transaction-date']['iso-date'],
      currency: t.value.currency,
      value: t.value['#text'],
      provider: text(t['provider-org']),
      providerRef: t['provider-org'].ref,
      receiver: text(t['receiver-org']),
      receiverRef: t['receiver-org'].ref,
    }));
  }

  const sum = (list: Transaction[], currency: string): bigint =>
    list.filter((t) => t.currency === currency).reduce((total, t) => total + cents(t.value), 0n);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tf-iati-'));
    db = await createTestDatabase();
    app = await createTestApp(db, { env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    sql = await connect(db.url);
    ledger = await buildExportsLedger(app, sql);
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await sql.end();
    await app.close();
    await db.drop();
  });

  it('validates against the official IATI 2.03 activity schema', async () => {
    const xml = await iati(`?fund=WSIS-TF&from=2026-01-01&to=${ledger.today}`);
    const result = validate(xml, 'wsis.xml');
    expect(result.stderr).toContain('validates');
    expect(result.status).toBe(0);
    // Every fund at once, and an empty range, validate too.
    expect(validate(await iati(''), 'all.xml').status).toBe(0);
    expect(
      validate(await iati('?fund=WSIS-TF&from=2020-01-01&to=2020-12-31'), 'empty.xml').status,
    ).toBe(0);
  });

  it('is a document the validator would refuse if it broke the schema (the check can fail)', async () => {
    const xml = await iati(`?fund=WSIS-TF&to=${ledger.today}`);
    const broken = xml.replace(/<activity-status[^>]*\/>\s*/, '');
    const result = validate(broken, 'broken.xml');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/activity-status|activity-date/);
  });

  it('reports one activity per fund, from ITU (XM-DAC-41303), in the fund currency', async () => {
    const xml = await iati(`?fund=WSIS-TF&to=${ledger.today}`);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(xml).toContain('<iati-activities version="2.03"');
    expect(xml).toContain('default-currency="CHF"');
    expect(xml).toContain('<iati-identifier>XM-DAC-41303-WSIS-TF</iati-identifier>');
    expect(xml).toMatch(/<reporting-org ref="XM-DAC-41303" type="40">/);
    expect(xml.match(/<iati-activity /g)).toHaveLength(1);
  });

  it('has a pledge (13) per announcement, a commitment (11) per agreement, with the donors as providers', async () => {
    const all = transactions(await iati(`?fund=WSIS-TF&to=${ledger.today}`));
    const pledges = all.filter((t) => t.type === '13');
    expect(pledges.map((t) => [t.date, t.currency, t.value, t.provider])).toEqual([
      ['2026-01-15', 'CHF', '300.00', 'Switzerland'],
      ['2026-01-20', 'EUR', '1000.00', 'Germany'],
      ['2026-03-01', 'USD', '2000.00', AWKWARD_DONOR],
    ]);
    const commitments = all.filter((t) => t.type === '11');
    expect(commitments.map((t) => [t.date, t.currency, t.value, t.provider, t.ref])).toEqual([
      ['2026-02-01', 'CHF', '300.00', 'Switzerland', ledger.pledges.swiss.reference],
      ['2026-02-10', 'EUR', '1000.00', 'Germany', ledger.pledges.german.reference],
    ]);
    for (const t of [...pledges, ...commitments]) {
      expect(t.receiverRef).toBe('XM-DAC-41303');
      expect(t.receiver).toContain('WSIS');
    }
  });

  it('has incoming funds (1) that add up to the receipts of the range, reversals negative', async () => {
    const all = transactions(await iati(`?fund=WSIS-TF&to=${ledger.today}`));
    const funds = all.filter((t) => t.type === '1');
    expect(funds.map((t) => [t.date, t.currency, t.value, t.provider])).toEqual([
      ['2026-04-10', 'CHF', '100.00', 'Switzerland'],
      ['2026-07-15', 'EUR', '400.00', 'Germany'],
      ['2026-10-05', 'CHF', '20.00', 'Germany'],
      ['2026-10-20', 'CHF', '-20.00', 'Germany'],
    ]);
    const { rows } = await sql.query<{ currency: string; gross: string }>(
      `SELECT currency, sum(gross_minor)::text AS gross FROM receipt
        WHERE id NOT IN (SELECT receipt_id FROM receipt_event WHERE kind = 'reversed')
        GROUP BY currency ORDER BY currency`,
    );
    expect(rows).toEqual([
      { currency: 'CHF', gross: '10000' },
      { currency: 'EUR', gross: '40000' },
    ]);
    expect(sum(funds, 'CHF')).toBe(10000n);
    expect(sum(funds, 'EUR')).toBe(40000n);

    // A range keeps only what is dated in it: the July receipt, nothing else of type 1.
    const summer = transactions(await iati('?fund=WSIS-TF&from=2026-06-01&to=2026-08-31'));
    expect(summer.map((t) => [t.type, t.date, t.value])).toEqual([['1', '2026-07-15', '400.00']]);
  });

  it('has a disbursement (3) per grant paid out, from the fund to the participant’s organisation', async () => {
    const all = transactions(await iati(`?fund=WSIS-TF&to=${ledger.today}`));
    const paid = all.filter((t) => t.type === '3');
    expect(paid).toEqual([
      expect.objectContaining({
        date: ledger.today,
        currency: 'CHF',
        value: '60.00',
        ref: ledger.grant.number,
        providerRef: 'XM-DAC-41303',
        receiver: 'Ministry of ICT & Posts',
      }),
    ]);
    const { rows } = await sql.query<{ paid: string }>(
      `SELECT sum(functional_minor)::text AS paid FROM journal_line l
         JOIN account a ON a.id = l.account_id WHERE a.code = '1200'`,
    );
    expect(cents(paid[0].value)).toBe(BigInt(rows[0].paid));
    expect(all).toHaveLength(3 + 2 + 4 + 1);
    // The participant's name is not published.
    expect(JSON.stringify(all)).not.toContain('Awa Ndiaye');
  });

  it('escapes names: the awkward donor comes back exactly as typed', async () => {
    const xml = await iati(`?fund=WSIS-TF&to=${ledger.today}`);
    expect(xml).toContain('Smith &amp; Sons &lt;Ltd&gt; &quot;Q&quot;; =cmd');
    expect(xml).not.toContain('<Ltd>');
  });

  it('has a page with forms and links that download both exports for each fund', async () => {
    const page = await as('management').get('/exports');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('action="/api/v1/exports/iati"');
    expect(page.text).toContain('action="/api/v1/exports/hledger"');
    expect(page.text).toContain('<label for="iati-from">From</label>');
    const href = /href="([^"]*)" data-testid="iati-link"/.exec(page.text)?.[1] ?? '';
    const url = href.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
    expect(url).toBe(
      `/api/v1/exports/iati?fund=WSIS-TF&from=${ledger.today.slice(0, 4)}-01-01&to=${ledger.today}`,
    );
    const file = await as('management').get(url);
    expect(file.status).toBe(200);
    expect(file.text).toContain('<iati-identifier>XM-DAC-41303-WSIS-TF</iati-identifier>');
    expect((await as('donor').get('/exports')).status).toBe(403);

    const french = await as('management').get('/exports').set('Accept-Language', 'fr');
    expect(french.text).toContain(
      '<h1 id="exports-title">Exportations dans des formats ouverts</h1>',
    );
    expect(french.text).toContain('<label for="iati-from">Du</label>');
    expect(french.text).toContain('Union internationale des télécommunications (XM-DAC-41303)');
    expect(french.text).toContain('>XML IATI, WSIS-TF</a>');
  });

  it('refuses from after to (422 on from), an unknown fund (404), a donor user (403), no one signed in (401)', async () => {
    const reversed = await as('auditor').get(`${IATI}?from=2026-12-31&to=2026-01-01`);
    expect(reversed.status).toBe(422);
    expect(reversed.body.errors[0].field).toBe('from');
    expect((await as('auditor').get(`${IATI}?fund=NO-SUCH`)).status).toBe(404);
    expect((await as('donor').get(IATI)).status).toBe(403);
    expect((await request(app.getHttpServer()).get(IATI)).status).toBe(401);
    const management = await as('management').get(
      `${IATI}?fund=WSIS-TF&from=2026-01-01&to=2026-12-31`,
    );
    expect(management.status).toBe(200);
    expect(management.headers['content-disposition']).toContain(
      'iati-WSIS-TF-2026-01-01-to-2026-12-31.xml',
    );
  });
});
