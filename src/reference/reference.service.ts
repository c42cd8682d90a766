import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { TransactionRunner } from '../database/transaction-runner';
import { isCalendarDate, todayUtc } from '../common/calendar-date';
import {
  InvalidDateError,
  periodOrderError,
  StatusAlreadySupersededError,
  StatusNotFoundError,
  StatusPeriodOverlapError,
  UnknownCountryError,
} from './reference.errors';
import { CountryRow, ReferenceRepository, RegionRow, StatusRow } from './reference.repository';
import {
  CalendarDate,
  Country,
  CountryDetail,
  CountryFilter,
  CountryRegionRecord,
  CountryStatusOn,
  CountryStatusRecord,
  ItuDRegion,
  NewStatus,
  RegionChange,
  StatusCorrection,
} from './reference.types';

/**
 * Countries and the facts about them that change over time: ITU-D region, LDC status and
 * developing-country status. Every question takes a date ("as of when?"); every change is a new
 * row with who, when, where from and why, and the rows it replaces stay readable.
 *
 * Countries are named by ISO 3166-1 alpha-2 or alpha-3 code, in any letter case. Methods that
 * only read take an optional EntityManager, so that a caller can ask inside its own transaction.
 */
@Injectable()
export class ReferenceService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly repository: ReferenceRepository,
    private readonly audit: AuditService,
  ) {}

  /** True iff a current LDC period of the country covers `date`. */
  async isLdc(code: string, date: CalendarDate, manager?: EntityManager): Promise<boolean> {
    return (await this.statusOn(code, date, manager)).ldc;
  }

  /** True iff a current developing or LDC period covers `date`: every LDC is developing. */
  async isDeveloping(code: string, date: CalendarDate, manager?: EntityManager): Promise<boolean> {
    return (await this.statusOn(code, date, manager)).developing;
  }

  /** LDC and developing status and ITU-D region of a country on a date, in one read. */
  async statusOn(
    code: string,
    date: CalendarDate,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<CountryStatusOn> {
    const row = await this.repository.statusOn(manager, normalise(code), checkedDate(date));
    if (row === undefined) throw new UnknownCountryError(code);
    return {
      alpha2: row.alpha2,
      date,
      ldc: row.ldc,
      developing: row.developing,
      region: row.region as ItuDRegion | null,
    };
  }

  /** Codes, names in the six UN languages and the ITU-D region in force on `on` (today). */
  async country(
    code: string,
    on: CalendarDate = todayUtc(),
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Country> {
    const row = await this.repository.findCountry(manager, normalise(code), checkedDate(on));
    if (row === undefined) throw new UnknownCountryError(code);
    return toCountry(row);
  }

  async countries(
    filter: CountryFilter = {},
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Country[]> {
    const rows = await this.repository.listCountries(manager, {
      regionOn: todayUtc(),
      region: filter.region ?? null,
      ldcOn: filter.ldcOn === undefined ? null : checkedDate(filter.ldcOn),
      developingOn: filter.developingOn === undefined ? null : checkedDate(filter.developingOn),
      ituMember: filter.ituMember ?? null,
    });
    return rows.map(toCountry);
  }

  /** Every status row of the country, superseded ones included, by kind, start and recording. */
  async statusHistory(
    code: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<CountryStatusRecord[]> {
    const country = await this.country(code, todayUtc(), manager);
    return (await this.repository.statusHistory(manager, country.alpha2)).map(toStatus);
  }

  async regionHistory(
    code: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<CountryRegionRecord[]> {
    const country = await this.country(code, todayUtc(), manager);
    return (await this.repository.regionHistory(manager, country.alpha2)).map(toRegion);
  }

  /** Records a new period; it may not overlap a current period of the same kind. */
  addStatus(actor: Actor, code: string, status: NewStatus): Promise<CountryStatusRecord> {
    const validTo = status.validTo ?? null;
    return this.transactions.run(async (manager) => {
      checkPeriod(status.validFrom, validTo);
      const alpha2 = await this.lockedCountry(manager, code);
      await this.refuseOverlap(manager, {
        country: alpha2,
        kind: status.kind,
        validFrom: status.validFrom,
        validTo,
        except: null,
      });
      const id = await this.repository.insertStatus(manager, {
        country: alpha2,
        kind: status.kind,
        validFrom: status.validFrom,
        validTo,
        source: status.source,
        note: status.note ?? null,
        supersedesId: null,
        reason: null,
        recordedBy: actor.id,
      });
      const added = await this.readStatus(manager, id);
      await this.audit.record(manager, actor, {
        action: 'country.status.add',
        entityType: 'country',
        entityId: alpha2,
        after: added,
      });
      return added;
    });
  }

  /**
   * Replaces a period (a deferred graduation, a corrected date) by a new row that names the one
   * it supersedes, with who and why; the old row stays in the history, no longer current.
   */
  supersedeStatus(
    actor: Actor,
    code: string,
    statusId: string,
    correction: StatusCorrection,
  ): Promise<CountryStatusRecord> {
    return this.transactions.run(async (manager) => {
      const alpha2 = await this.lockedCountry(manager, code);
      const old = /^\d{1,18}$/.test(statusId)
        ? await this.repository.findStatus(manager, statusId)
        : undefined;
      if (old === undefined || old.country !== alpha2) {
        throw new StatusNotFoundError(alpha2, statusId);
      }
      if (old.superseded_by_id !== null) {
        throw new StatusAlreadySupersededError(old.id, old.superseded_by_id);
      }
      const validFrom = correction.validFrom ?? old.valid_from;
      const validTo = correction.validTo ?? null;
      checkPeriod(validFrom, validTo);
      await this.refuseOverlap(manager, {
        country: alpha2,
        kind: old.kind,
        validFrom,
        validTo,
        except: old.id,
      });
      const id = await this.repository.insertStatus(manager, {
        country: alpha2,
        kind: old.kind,
        validFrom,
        validTo,
        source: correction.source,
        note: correction.note ?? null,
        supersedesId: old.id,
        reason: correction.reason,
        recordedBy: actor.id,
      });
      const replacement = await this.readStatus(manager, id);
      await this.audit.record(manager, actor, {
        action: 'country.status.supersede',
        entityType: 'country',
        entityId: alpha2,
        before: toStatus(old),
        after: replacement,
      });
      return replacement;
    });
  }

  /** From `validFrom` on, the country is in `region`; earlier assignments stay in the history. */
  changeRegion(actor: Actor, code: string, change: RegionChange): Promise<CountryRegionRecord> {
    return this.transactions.run(async (manager) => {
      checkedDate(change.validFrom);
      const alpha2 = await this.lockedCountry(manager, code);
      const id = await this.repository.insertRegion(manager, {
        country: alpha2,
        region: change.region,
        validFrom: change.validFrom,
        source: change.source,
        note: change.note ?? null,
        reason: change.reason,
        recordedBy: actor.id,
      });
      const assigned = toRegion(await this.repository.findRegion(manager, id));
      await this.audit.record(manager, actor, {
        action: 'country.region.change',
        entityType: 'country',
        entityId: alpha2,
        after: assigned,
      });
      return assigned;
    });
  }

  /** The country's state on a date together with its whole recorded history. */
  async countryDetail(code: string, on: CalendarDate = todayUtc()): Promise<CountryDetail> {
    const manager = this.dataSource.manager;
    const country = await this.country(code, on, manager);
    const status = await this.statusOn(country.alpha2, on, manager);
    return {
      ...country,
      on,
      ldc: status.ldc,
      developing: status.developing,
      statuses: (await this.repository.statusHistory(manager, country.alpha2)).map(toStatus),
      regions: (await this.repository.regionHistory(manager, country.alpha2)).map(toRegion),
    };
  }

  private async readStatus(manager: EntityManager, id: string): Promise<CountryStatusRecord> {
    const row = await this.repository.findStatus(manager, id);
    if (row === undefined) throw new Error(`status row ${id} vanished inside its transaction`);
    return toStatus(row);
  }

  // Writers of one country wait for each other, so that what they checked (no overlap, not yet
  // superseded) still holds when they commit.
  private async lockedCountry(manager: EntityManager, code: string): Promise<string> {
    const country = await this.repository.findCountry(manager, normalise(code), todayUtc());
    if (country === undefined) throw new UnknownCountryError(code);
    await this.repository.lockCountry(manager, country.alpha2);
    return country.alpha2;
  }

  private async refuseOverlap(
    manager: EntityManager,
    period: Parameters<ReferenceRepository['overlappingStatus']>[1],
  ): Promise<void> {
    const other = await this.repository.overlappingStatus(manager, period);
    if (other !== undefined) throw new StatusPeriodOverlapError(period.country, period.kind, other);
  }
}

function normalise(code: string): string {
  return code.trim().toUpperCase();
}

function checkedDate(value: CalendarDate): CalendarDate {
  if (!isCalendarDate(value)) throw new InvalidDateError(value);
  return value;
}

function checkPeriod(validFrom: CalendarDate, validTo: CalendarDate | null): void {
  checkedDate(validFrom);
  if (validTo !== null && checkedDate(validTo) <= validFrom) throw periodOrderError();
}

function toCountry(row: CountryRow): Country {
  return {
    alpha2: row.alpha2,
    alpha3: row.alpha3,
    names: {
      ar: row.name_ar,
      zh: row.name_zh,
      en: row.name_en,
      fr: row.name_fr,
      ru: row.name_ru,
      es: row.name_es,
    },
    ituMember: row.itu_member,
    region: row.region as ItuDRegion | null,
  };
}

function toStatus(row: StatusRow): CountryStatusRecord {
  return {
    id: row.id,
    country: row.country,
    kind: row.kind,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    source: row.source,
    note: row.note,
    supersedesId: row.supersedes_id,
    supersededById: row.superseded_by_id,
    reason: row.reason,
    recordedBy: row.recorded_by,
    recordedAt: row.recorded_at,
  };
}

function toRegion(row: RegionRow): CountryRegionRecord {
  return {
    id: row.id,
    country: row.country,
    region: row.region as ItuDRegion,
    validFrom: row.valid_from,
    source: row.source,
    note: row.note,
    reason: row.reason,
    recordedBy: row.recorded_by,
    recordedAt: row.recorded_at,
  };
}
