import { AuditRepository } from '../audit/audit.repository';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import * as countries from 'i18n-iso-countries';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { COUNTRY_ROWS } from '../../migrations/seeds/1764400000000-reference-data/countries';
import {
  ITU_MEMBER_STATES_BY_REGION,
  NON_MEMBER_REGIONS,
} from '../../migrations/seeds/1764400000000-reference-data/itu-d-regions';
import { LDC_SEED_ROWS } from '../../migrations/seeds/1764400000000-reference-data/ldc-status';
import { connect, createTestDatabase, TestDatabase } from '../../test/support/test-database';
import { ValidationFailedError } from '../common/errors/app-error';
import { dataSourceOptions } from '../database/data-source-options';
import { TransactionRunner } from '../database/transaction-runner';
import { isCalendarDate } from '../common/calendar-date';
import {
  InvalidDateError,
  StatusAlreadySupersededError,
  StatusNotFoundError,
  StatusPeriodOverlapError,
  UnknownCountryError,
} from './reference.errors';
import { ReferenceRepository } from './reference.repository';
import { ReferenceService } from './reference.service';
import { UN_LANGUAGES } from './reference.types';

const officer: Actor = { id: 'finance.officer@itu.int', roles: ['admin'], donorIds: [] };

describe(ReferenceService.name, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let reference: ReferenceService;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await new DataSource(dataSourceOptions(db.url, 2)).initialize();
    reference = new ReferenceService(
      dataSource,
      new TransactionRunner(dataSource),
      new ReferenceRepository(),
      new AuditService(dataSource, new AuditRepository()),
    );
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  describe('LDC status on a date (seeded graduations, exclusive end)', () => {
    it.each([
      ['BT', '2023-12-12', true, 'Bhutan on its last day as an LDC'],
      ['BT', '2023-12-13', false, 'Bhutan on its graduation day'],
      ['ST', '2024-12-12', true, 'São Tomé and Príncipe the day before graduation'],
      ['ST', '2024-12-13', false, 'São Tomé and Príncipe on its graduation day'],
      ['BD', '2026-11-23', true, 'Bangladesh the day before its scheduled graduation'],
      ['BD', '2026-11-24', false, 'Bangladesh on its scheduled graduation day (as seeded)'],
      ['NP', '2026-11-24', false, 'Nepal on its scheduled graduation day'],
      ['LA', '2026-11-23', true, 'Lao PDR before its scheduled graduation'],
      ['SB', '2027-12-12', true, 'Solomon Islands before its deferred graduation'],
      ['SB', '2027-12-13', false, 'Solomon Islands on its graduation day'],
      ['KH', '2029-12-18', true, 'Cambodia during its five-year preparatory period'],
      ['SN', '2029-12-19', false, 'Senegal after its scheduled graduation'],
      ['VU', '2020-12-03', true, 'Vanuatu before graduation'],
      ['VU', '2020-12-04', false, 'Vanuatu on graduation day'],
      ['AF', '1971-11-18', true, 'Afghanistan on the day the first list was adopted'],
      ['AF', '1971-11-17', false, 'Afghanistan before the category existed'],
      ['AO', '2040-01-01', true, 'Angola, whose graduation was deferred sine die'],
      ['CH', '2024-06-30', false, 'Switzerland'],
    ])('%s on %s → %p (%s)', async (country, date, expected) => {
      expect(await reference.isLdc(country, date)).toBe(expected);
    });

    it('counts 44 LDCs on 31 December 2024, as the UN list does', async () => {
      const ldcs = await reference.countries({ ldcOn: '2024-12-31' });
      expect(ldcs).toHaveLength(44);
      expect(ldcs.map((c) => c.alpha2)).not.toEqual(expect.arrayContaining(['BT']));
      expect(ldcs.map((c) => c.alpha2)).not.toEqual(expect.arrayContaining(['ST']));
    });

    it('counts 45 LDCs on 1 December 2024, before São Tomé and Príncipe graduated', async () => {
      expect(await reference.countries({ ldcOn: '2024-12-01' })).toHaveLength(45);
    });

    it('records a source on every seeded row', async () => {
      const history = await reference.statusHistory('BD');
      expect(history.length).toBeGreaterThan(0);
      for (const row of history) expect(row.source).toMatch(/\w{10}/);
      expect(LDC_SEED_ROWS.every((row) => row.source.trim() !== '')).toBe(true);
      const seeded = LDC_SEED_ROWS.map((row) => row.country);
      expect(new Set(seeded).size).toBe(seeded.length);
    });
  });

  describe('developing-country status', () => {
    it('is true for an LDC and for a developing country that is not an LDC', async () => {
      expect(await reference.isDeveloping('BD', '2025-01-01')).toBe(true);
      expect(await reference.isDeveloping('IN', '2025-01-01')).toBe(true);
    });

    it('is false for Switzerland and other developed countries', async () => {
      expect(await reference.isDeveloping('CH', '2025-01-01')).toBe(false);
      expect(await reference.isDeveloping('JP', '2025-01-01')).toBe(false);
    });

    it('stays true for a graduated LDC, which remains a developing country', async () => {
      expect(await reference.isDeveloping('BT', '2024-06-01')).toBe(true);
      expect(await reference.statusOn('BT', '2024-06-01')).toMatchObject({
        ldc: false,
        developing: true,
        region: 'Asia-Pacific',
      });
    });

    it('counts an LDC period added later as developing without a second row', async () => {
      // Kosovo (XK) has no M49 classification, hence no developing row.
      expect(await reference.isDeveloping('XK', '2031-06-01')).toBe(false);
      await reference.addStatus(officer, 'XK', {
        kind: 'ldc',
        validFrom: '2031-01-01',
        source: 'Test fixture: hypothetical inclusion',
      });
      expect(await reference.isDeveloping('XK', '2031-06-01')).toBe(true);
      expect(await reference.isDeveloping('XK', '2030-12-31')).toBe(false);
    });
  });

  describe('countries', () => {
    it("gives Côte d'Ivoire's alpha-3 code and its names in the six UN languages", async () => {
      const country = await reference.country('ci');
      expect(country.alpha3).toBe('CIV');
      expect(country.names.zh).toBe('科特迪瓦');
      expect(country.names.ar).toBe('ساحل العاج');
      expect(country.names.fr).toBe("Côte-d'Ivoire");
      expect(country.region).toBe('Africa');
      expect(country.ituMember).toBe(true);
    });

    it('finds a country by its alpha-3 code too', async () => {
      const country = await reference.country('CHE');
      expect(country).toMatchObject({ alpha2: 'CH', region: 'Europe' });
      expect(country.names.ru).toBe('Швейцария');
      expect(country.names.es).toBe('Suiza');
    });

    it('puts the North African Arab League members in Arab States, not Africa', async () => {
      const arab = (await reference.countries({ region: 'Arab States' })).map((c) => c.alpha2);
      expect(arab).toEqual(expect.arrayContaining(['EG', 'MA', 'DZ', 'TN', 'LY', 'SD', 'MR']));
      expect(arab).toEqual(expect.arrayContaining(['SO', 'DJ', 'KM', 'PS']));
      const africa = (await reference.countries({ region: 'Africa' })).map((c) => c.alpha2);
      expect(africa).toHaveLength(44);
      expect(africa).not.toContain('EG');
    });

    it('has every ITU Member State (194 since Palau joined in 2024) in one ITU-D region', async () => {
      const members = await reference.countries({ ituMember: true });
      expect(members).toHaveLength(194);
      expect(members.filter((c) => c.region === null)).toEqual([]);
      const seeded = Object.values(ITU_MEMBER_STATES_BY_REGION).flat();
      expect(new Set(seeded).size).toBe(seeded.length);
      expect(members.map((c) => c.alpha2).sort()).toEqual([...seeded].sort());
      expect(NON_MEMBER_REGIONS.PS.region).toBe('Arab States');
    });

    it('refuses an unknown country with UnknownCountryError', async () => {
      await expect(reference.isLdc('QQ', '2025-01-01')).rejects.toThrow(UnknownCountryError);
      await expect(reference.isDeveloping('ZZZ', '2025-01-01')).rejects.toThrow(
        UnknownCountryError,
      );
      await expect(reference.country('')).rejects.toThrow(UnknownCountryError);
      await expect(reference.statusHistory('QQ')).rejects.toMatchObject({
        status: 404,
        code: 'unknown-country',
      });
    });

    it('refuses a date that is not a calendar day', async () => {
      for (const date of ['2023-02-29', '2024-13-01', '24-01-01', '2024-01-01T00:00:00Z', '']) {
        await expect(reference.isLdc('BD', date)).rejects.toThrow(InvalidDateError);
      }
      expect(isCalendarDate('2024-02-29')).toBe(true);
    });
  });

  describe('changing a graduation date keeps the history', () => {
    it("defers Bangladesh's graduation: LDC again on 24 November 2026, original row kept", async () => {
      const [seeded] = (await reference.statusHistory('BD')).filter((s) => s.kind === 'ldc');
      expect(seeded).toMatchObject({ validTo: '2026-11-24', supersededById: null });

      const deferral = await reference.supersedeStatus(officer, 'BD', seeded.id, {
        validTo: '2029-11-24',
        source: 'UN General Assembly decision deferring the graduation of Bangladesh (test)',
        reason: 'Graduation deferred by three years at the request of Bangladesh',
      });

      expect(deferral).toMatchObject({
        kind: 'ldc',
        validFrom: seeded.validFrom,
        validTo: '2029-11-24',
        supersedesId: seeded.id,
        supersededById: null,
        reason: 'Graduation deferred by three years at the request of Bangladesh',
        recordedBy: officer.id,
      });
      expect(await reference.isLdc('BD', '2026-11-24')).toBe(true);
      expect(await reference.isLdc('BD', '2029-11-23')).toBe(true);
      expect(await reference.isLdc('BD', '2029-11-24')).toBe(false);

      const ldcHistory = (await reference.statusHistory('BD')).filter((s) => s.kind === 'ldc');
      expect(ldcHistory.map((s) => [s.id, s.validTo, s.supersededById])).toEqual([
        [seeded.id, '2026-11-24', deferral.id],
        [deferral.id, '2029-11-24', null],
      ]);
      expect(ldcHistory[0].recordedBy).toBe('migration:ReferenceData1764400000000');
      expect(ldcHistory[1].recordedAt.getTime()).toBeGreaterThan(
        ldcHistory[0].recordedAt.getTime(),
      );
    });

    it('refuses to supersede a record twice: the newer record is the one to correct', async () => {
      const [original] = (await reference.statusHistory('BD')).filter((s) => s.kind === 'ldc');
      await expect(
        reference.supersedeStatus(officer, 'BD', original.id, {
          validTo: '2027-11-24',
          source: 'x',
          reason: 'y',
        }),
      ).rejects.toThrow(StatusAlreadySupersededError);
    });

    it("refuses to supersede another country's record or one that does not exist", async () => {
      const [nepal] = (await reference.statusHistory('NP')).filter((s) => s.kind === 'ldc');
      const correction = { validTo: '2029-11-24', source: 's', reason: 'r' };
      await expect(reference.supersedeStatus(officer, 'LA', nepal.id, correction)).rejects.toThrow(
        StatusNotFoundError,
      );
      await expect(reference.supersedeStatus(officer, 'NP', '999999', correction)).rejects.toThrow(
        StatusNotFoundError,
      );
      await expect(reference.supersedeStatus(officer, 'NP', 'abc', correction)).rejects.toThrow(
        StatusNotFoundError,
      );
    });

    it('refuses a period whose end is not after its start', async () => {
      await expect(
        reference.addStatus(officer, 'CH', {
          kind: 'developing',
          validFrom: '2030-01-01',
          validTo: '2030-01-01',
          source: 's',
        }),
      ).rejects.toThrow(ValidationFailedError);
    });

    it('refuses a new period that overlaps a current one of the same kind', async () => {
      await expect(
        reference.addStatus(officer, 'ET', {
          kind: 'ldc',
          validFrom: '2030-01-01',
          source: 'duplicate inclusion',
        }),
      ).rejects.toThrow(StatusPeriodOverlapError);
    });

    it('lets a region change take effect from its date, keeping the earlier assignment', async () => {
      await reference.changeRegion(officer, 'MD', {
        region: 'CIS',
        validFrom: '2030-01-01',
        source: 'Test fixture',
        reason: 'BDT moves the Republic of Moldova to the CIS region (hypothetical)',
      });
      expect((await reference.country('MD', '2029-12-31')).region).toBe('Europe');
      expect((await reference.country('MD', '2030-01-01')).region).toBe('CIS');
      const history = await reference.regionHistory('MD');
      expect(history.map((r) => [r.region, r.validFrom, r.recordedBy])).toEqual([
        ['Europe', '2000-01-01', 'migration:ReferenceData1764400000000'],
        ['CIS', '2030-01-01', officer.id],
      ]);
    });
  });

  describe('the database keeps the history (raw SQL, bypassing the service)', () => {
    let client: Client;

    beforeAll(async () => {
      client = await connect(db.url);
    });

    afterAll(() => client.end());

    it.each([
      [`UPDATE country_status SET valid_to = '2035-01-01' WHERE country = 'NP'`],
      [`UPDATE country_status SET source = 'rewritten'`],
      [`DELETE FROM country_status WHERE country = 'BT'`],
      [`TRUNCATE country_status`],
      [`UPDATE country_region SET region = 'Europe' WHERE country = 'EG'`],
      [`DELETE FROM country_region`],
      [`TRUNCATE country_region CASCADE`],
    ])('refuses: %s', async (sql) => {
      await expect(client.query(sql)).rejects.toMatchObject({
        code: '23001',
        message: expect.stringMatching(/never changed or removed/),
      });
      expect(await reference.isLdc('NP', '2026-11-23')).toBe(true);
    });

    it('refuses a superseding row for a different kind or country, and a fork', async () => {
      const { rows } = await client.query<{ id: string }>(
        `SELECT id::text FROM country_status WHERE country = 'LA' AND kind = 'ldc'`,
      );
      const insert = (country: string, kind: string) =>
        client.query(
          `INSERT INTO country_status
             (country, kind, valid_from, source, supersedes_id, reason, recorded_by)
           VALUES ($1, $2, '1971-11-18', 's', $3, 'r', 'sql')`,
          [country, kind, rows[0].id],
        );
      await expect(insert('LA', 'developing')).rejects.toMatchObject({ code: '23503' });
      await expect(insert('NP', 'ldc')).rejects.toMatchObject({ code: '23503' });
      await insert('LA', 'ldc');
      await expect(insert('LA', 'ldc')).rejects.toMatchObject({ code: '23505' });
    });

    it('requires a reason on a superseding row', async () => {
      const { rows } = await client.query<{ id: string }>(
        `SELECT id::text FROM country_status WHERE country = 'KH' AND kind = 'ldc'`,
      );
      await expect(
        client.query(
          `INSERT INTO country_status (country, kind, valid_from, source, supersedes_id, recorded_by)
           VALUES ('KH', 'ldc', '1991-01-01', 's', $1, 'sql')`,
          [rows[0].id],
        ),
      ).rejects.toMatchObject({ code: '23514' });
    });
  });
});

describe('country seed (frozen data of migration 1764400000000)', () => {
  it('matches i18n-iso-countries 7.14.0: codes, alpha-3 and the official name in each language', () => {
    const langs = join(dirname(require.resolve('i18n-iso-countries')), 'langs');
    for (const lang of UN_LANGUAGES) {
      const locale = readFileSync(join(langs, `${lang}.json`), 'utf8');
      countries.registerLocale(JSON.parse(locale) as countries.LocaleData);
    }
    expect(Object.keys(countries.getAlpha2Codes()).sort()).toEqual(
      COUNTRY_ROWS.map(([alpha2]) => alpha2),
    );
    for (const [alpha2, alpha3, ...names] of COUNTRY_ROWS) {
      expect([alpha2, countries.alpha2ToAlpha3(alpha2)]).toEqual([alpha2, alpha3]);
      UN_LANGUAGES.forEach((lang, i) => {
        expect([alpha2, lang, countries.getName(alpha2, lang, { select: 'official' })]).toEqual([
          alpha2,
          lang,
          names[i],
        ]);
      });
    }
  });
});
