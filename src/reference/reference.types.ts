/** The six regions of the ITU Telecommunication Development Bureau (BDT). */
export const ITU_D_REGIONS = [
  'Africa',
  'Americas',
  'Arab States',
  'Asia-Pacific',
  'CIS',
  'Europe',
] as const;
export type ItuDRegion = (typeof ITU_D_REGIONS)[number];

/** An LDC is also a developing country: see ReferenceService.isDeveloping. */
export const STATUS_KINDS = ['ldc', 'developing'] as const;
export type StatusKind = (typeof STATUS_KINDS)[number];

/** The six official UN languages, in which every country name is stored. */
export const UN_LANGUAGES = ['ar', 'zh', 'en', 'fr', 'ru', 'es'] as const;
export type UnLanguage = (typeof UN_LANGUAGES)[number];
export type CountryNames = Record<UnLanguage, string>;

/** A calendar date as 'YYYY-MM-DD', without time or zone. */
export type { CalendarDate } from '../common/calendar-date';
import type { CalendarDate } from '../common/calendar-date';

export interface Country {
  readonly alpha2: string;
  readonly alpha3: string;
  readonly names: CountryNames;
  readonly ituMember: boolean;
  /** The ITU-D region in force on the date asked about; null for entries ITU-D does not serve. */
  readonly region: ItuDRegion | null;
}

/**
 * One recorded period of LDC or developing status, [validFrom, validTo). Rows are never changed:
 * a correction is a new row whose supersedesId names the row it replaces.
 */
export interface CountryStatusRecord {
  readonly id: string;
  readonly country: string;
  readonly kind: StatusKind;
  readonly validFrom: CalendarDate;
  /** Exclusive: the first day the status no longer applies. Null: no end decided. */
  readonly validTo: CalendarDate | null;
  readonly source: string;
  readonly note: string | null;
  readonly supersedesId: string | null;
  readonly supersededById: string | null;
  readonly reason: string | null;
  readonly recordedBy: string;
  readonly recordedAt: Date;
}

/** One recorded region assignment, in force from validFrom until a later one takes over. */
export interface CountryRegionRecord {
  readonly id: string;
  readonly country: string;
  readonly region: ItuDRegion;
  readonly validFrom: CalendarDate;
  readonly source: string;
  readonly note: string | null;
  readonly reason: string | null;
  readonly recordedBy: string;
  readonly recordedAt: Date;
}

/** What grant eligibility needs about one country on one date. */
export interface CountryStatusOn {
  readonly alpha2: string;
  readonly date: CalendarDate;
  readonly ldc: boolean;
  readonly developing: boolean;
  readonly region: ItuDRegion | null;
}

/** A country as of a date, with every status and region row ever recorded for it. */
export interface CountryDetail extends Country {
  readonly on: CalendarDate;
  readonly ldc: boolean;
  readonly developing: boolean;
  readonly statuses: readonly CountryStatusRecord[];
  readonly regions: readonly CountryRegionRecord[];
}

export interface CountryFilter {
  readonly region?: ItuDRegion;
  readonly ldcOn?: CalendarDate;
  readonly developingOn?: CalendarDate;
  readonly ituMember?: boolean;
}

export interface NewStatus {
  readonly kind: StatusKind;
  readonly validFrom: CalendarDate;
  readonly validTo?: CalendarDate | null;
  readonly source: string;
  readonly note?: string | null;
}

export interface StatusCorrection {
  /** Defaults to the superseded row's validFrom: most corrections move only the end. */
  readonly validFrom?: CalendarDate;
  readonly validTo?: CalendarDate | null;
  readonly source: string;
  readonly reason: string;
  readonly note?: string | null;
}

export interface RegionChange {
  readonly region: ItuDRegion;
  readonly validFrom: CalendarDate;
  readonly source: string;
  readonly reason: string;
  readonly note?: string | null;
}
