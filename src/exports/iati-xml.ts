import { XMLBuilder } from 'fast-xml-parser';

/**
 * ITU's IATI organisation identifier: the OECD DAC channel code of the International
 * Telecommunication Union (41303, IATI codelist CRSChannelCode) under the `XM-DAC` registration
 * agency (IATI codelist OrganisationRegistrationAgency). A constant: the tracker runs ITU's funds.
 */
export const ITU_IATI_ORG_REF = 'XM-DAC-41303';
export const ITU_NAME = 'International Telecommunication Union';
/** IATI OrganisationType 40: multilateral. */
const MULTILATERAL = '40';

export interface IatiTransaction {
  type: '1' | '3' | '11' | '13';
  ref: string;
  date: string;
  currency: string;
  /** A decimal string ("1000.00", "-50.00"). */
  value: string;
  description: string;
  /** The donor (incoming transactions); null for disbursements, which the fund provides. */
  provider: string | null;
  /** The participant's organisation (disbursements); null when the fund receives. */
  receiver: string | null;
}

export interface IatiActivity {
  fundCode: string;
  fundName: string;
  currency: string;
  /** The first day anything happened in the fund (IATI activity-date type 2, actual start). */
  startedOn: string;
  transactions: IatiTransaction[];
}

/** The activity identifier: the reporting organisation's identifier, then the fund code. */
export function iatiActivityId(fundCode: string): string {
  return `${ITU_IATI_ORG_REF}-${fundCode}`;
}

/**
 * An IATI 2.03 activity file, one `iati-activity` per fund, elements in the order the schema's
 * sequence requires. Every text and attribute is escaped by the builder; characters XML 1.0
 * cannot carry are dropped first.
 */
export function iatiActivitiesXml(activities: IatiActivity[], generatedAt: Date): string {
  const stamp = generatedAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    format: true,
    suppressEmptyNode: true,
  });
  const narrative = (text: string) => ({ narrative: { '#text': xmlText(text) } });
  const itu = (role?: string) => ({
    '@_ref': ITU_IATI_ORG_REF,
    '@_type': MULTILATERAL,
    ...(role === undefined ? {} : { '@_role': role }),
    ...narrative(ITU_NAME),
  });
  const document = {
    'iati-activities': {
      '@_version': '2.03',
      '@_generated-datetime': stamp,
      'iati-activity': activities.map((activity) => {
        const id = iatiActivityId(activity.fundCode);
        const fundAsOrg = {
          '@_ref': ITU_IATI_ORG_REF,
          '@_type': MULTILATERAL,
          ...narrative(`${activity.fundName} (${ITU_NAME})`),
        };
        return {
          '@_last-updated-datetime': stamp,
          '@_xml:lang': 'en',
          '@_default-currency': activity.currency,
          'iati-identifier': id,
          'reporting-org': itu(),
          title: narrative(activity.fundName),
          description: {
            '@_type': '1',
            ...narrative(
              `${activity.fundName} (${activity.fundCode}), a voluntary trust fund administered ` +
                `by the ${ITU_NAME}: contributions pledged, agreed and received, and the ` +
                `participation grants it disbursed.`,
            ),
          },
          // 2 accountable, 4 implementing: ITU runs the fund; donors appear on transactions.
          'participating-org': [itu('2'), itu('4')],
          'activity-status': { '@_code': '2' },
          'activity-date': { '@_type': '2', '@_iso-date': activity.startedOn },
          transaction: activity.transactions.map((t) => ({
            '@_ref': xmlText(t.ref),
            'transaction-type': { '@_code': t.type },
            'transaction-date': { '@_iso-date': t.date },
            value: { '@_currency': t.currency, '@_value-date': t.date, '#text': t.value },
            description: narrative(t.description),
            'provider-org':
              t.provider === null
                ? { ...fundAsOrg, '@_provider-activity-id': id }
                : narrative(t.provider),
            'receiver-org':
              t.receiver === null && t.type !== '3'
                ? { ...fundAsOrg, '@_receiver-activity-id': id }
                : narrative(t.receiver ?? 'Participant'),
          })),
        };
      }),
    },
  };
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(document)}`;
}

/** Drops what XML 1.0 cannot carry (control characters, lone surrogates). */
function xmlText(value: string): string {
  return value.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDFFF]/gu,
    '',
  );
}
