import { Injectable } from '@nestjs/common';
import { todayUtc } from '../common/calendar-date';
import { FundsService } from '../funds/funds.service';
import { DEFAULT_FUND } from '../reports/pledge-reconciliation.service';
import { Viewer, ViewRenderer } from '../web/view-renderer';
import { uiText } from '../web/ui-i18n';
import { ITU_IATI_ORG_REF } from './iati-xml';

/** The exports page: forms and links that download the IATI file and the hledger journal. */
@Injectable()
export class ExportsPageService {
  constructor(
    private readonly funds: FundsService,
    private readonly views: ViewRenderer,
  ) {}

  async page(viewer: Viewer, now = new Date()): Promise<string> {
    const today = todayUtc(now);
    const year = today.slice(0, 4);
    const from = `${year}-01-01`;
    const funds = await this.funds.list();
    return this.views.render(
      'exports/exports',
      {
        title: uiText('exports.title'),
        active: 'reports',
        ituRef: ITU_IATI_ORG_REF,
        from,
        to: today,
        year,
        fundOptions: funds.map((f) => ({
          value: f.code,
          label: `${f.code} — ${f.name}`,
          selected: f.code === DEFAULT_FUND,
        })),
        funds: funds.map((f) => ({
          code: f.code,
          name: f.name,
          iatiHref: `/api/v1/exports/iati?${new URLSearchParams({ fund: f.code, from, to: today }).toString()}`,
          hledgerHref: `/api/v1/exports/hledger?${new URLSearchParams({ fund: f.code, asOf: today }).toString()}`,
        })),
      },
      viewer,
    );
  }
}
