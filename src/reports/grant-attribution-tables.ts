import { GrantAttributionResponse } from './dto/grant-attribution.dto';
import { ReportTable } from './report-table';

/**
 * The grant attribution as tables: one row per donor (attributed, grants, countries, LDC grants)
 * with the total, and one row per donor and earmark (paid, attributed, not yet attributed).
 */
export function grantAttributionTables(report: GrantAttributionResponse): ReportTable[] {
  const c = report.functionalCurrency;
  const filters = { Fund: report.fund, 'As of': report.asOf };
  return [
    {
      name: 'grant-attribution',
      title: 'What each donor’s money funded',
      filters,
      columns: [
        { key: 'donor', label: 'Donor', kind: 'text' },
        { key: 'attributed', label: `Attributed to grants (${c})`, kind: 'money' },
        { key: 'grants', label: 'Grants', kind: 'count' },
        { key: 'countries', label: 'Countries', kind: 'count' },
        { key: 'country_codes', label: 'Country codes', kind: 'text' },
        { key: 'ldc_grants', label: 'Grants to LDCs', kind: 'count' },
      ],
      rows: report.donors.map((line) => ({
        donor: line.donor.name,
        attributed: line.attributed.amount,
        grants: line.grants,
        countries: line.countries,
        country_codes: line.countryCodes.join(' '),
        ldc_grants: line.ldcGrants,
      })),
      total: {
        donor: 'Total',
        attributed: report.total.attributed.amount,
        grants: report.total.grants,
        countries: report.total.countries,
        ldc_grants: report.total.ldcGrants,
      },
    },
    {
      name: 'grant-attribution-earmarks',
      title: 'Paid and attributed, per donor and earmark',
      filters,
      columns: [
        { key: 'donor', label: 'Donor', kind: 'text' },
        { key: 'earmark', label: 'Earmark', kind: 'text' },
        { key: 'paid', label: `Paid (${c})`, kind: 'money' },
        { key: 'attributed', label: `Attributed (${c})`, kind: 'money' },
        { key: 'unattributed', label: `Not yet attributed (${c})`, kind: 'money' },
      ],
      rows: report.donors.flatMap((line) =>
        line.earmarks.map((earmark) => ({
          donor: line.donor.name,
          earmark: earmark.earmark,
          paid: earmark.paid.amount,
          attributed: earmark.attributed.amount,
          unattributed: earmark.unattributed.amount,
        })),
      ),
    },
  ];
}
