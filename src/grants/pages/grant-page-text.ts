import { FieldError } from '../../common/errors/problem';
import { currentLanguage, fieldMessage, hasUiText, uiText } from '../../web/ui-i18n';

/*
 * The texts the grant, event and participant pages share, in the request's language
 * (src/web/i18n/<lang>/grants.json and events.json): the names of statuses, kinds, rules and
 * regions, the eligibility rules that fail, and the messages beside a form's fields.
 */

/** The catalogue's text of `key`, or `fallback` (a value the catalogue does not know). */
function labelOr(key: string, fallback: string): string {
  return hasUiText(key) ? uiText(key) : fallback;
}

export const grantStatusLabel = (status: string): string =>
  labelOr(`grants.status.${status}`, status);

export const grantKindLabel = (kind: string): string => labelOr(`grants.kinds.${kind}`, kind);

export const countryStatusLabel = (status: string): string =>
  labelOr(`grants.countryStatus.${status}`, status);

/** An ITU-D region ("Arab States" → grants.regions.arab-states). */
export const regionLabel = (region: string): string =>
  labelOr(`grants.regions.${region.toLowerCase().replace(/[^a-z]+/g, '-')}`, region);

export const eligibilityRuleLabel = (rule: string): string => labelOr(`events.rules.${rule}`, rule);

export const genderLabel = (gender: string): string => labelOr(`events.genders.${gender}`, gender);

export const stakeholderGroupLabel = (group: string): string =>
  labelOr(`events.groups.${group}`, group);

/** A country's name in the page's language: the reference data's English or French name. */
export function countryLabel(names: { name_en: string; name_fr?: string }): string {
  return currentLanguage() === 'fr' && names.name_fr ? names.name_fr : names.name_en;
}

/** What the eligibility decision was about, to say a failed rule in the page's language. */
export interface EligibilityContext {
  country: string;
  decisionDate: string;
  kind: string;
  /** The event's rule when the page knows it, else the country's status the rules found. */
  eventRule?: string;
  countryStatus?: string;
}

/**
 * A rule the grant fails, in the page's language. English is the rules' own reason, as the API
 * gives it; another language says the rule in its own words with what the page knows.
 */
export function failedRuleText(
  failed: { rule: string; reason: string },
  context: EligibilityContext,
): string {
  if (currentLanguage() === 'en') return failed.reason;
  const { country, decisionDate: date } = context;
  switch (failed.rule) {
    case 'kindOffered':
      return uiText('grants.failedRules.kindOffered', { kind: grantKindLabel(context.kind) });
    case 'countryStatus': {
      // Under 'ldc-only' the rule asks for an LDC; under the others for a developing country.
      const ldcOnly =
        context.eventRule === undefined
          ? context.countryStatus === 'developing'
          : context.eventRule === 'ldc-only';
      return uiText(
        ldcOnly
          ? 'grants.failedRules.countryStatusLdc'
          : 'grants.failedRules.countryStatusDeveloping',
        { country, date },
      );
    }
    case 'perCountryPerEvent':
      return uiText('grants.failedRules.perCountryPerEvent', { country });
    case 'perPersonPerYear':
      return uiText('grants.failedRules.perPersonPerYear', { year: date.slice(0, 4) });
    default:
      return failed.reason;
  }
}

/**
 * The message beside a field: in English the API's reason, exactly; in another language the
 * page's own words for the field when it has them (`text`), else fieldMessage (the interface's
 * text of the rule, else the API's reason).
 */
export function fieldText(error: FieldError, text?: string): string {
  if (currentLanguage() === 'en' || text === undefined) return fieldMessage(error);
  return text;
}
