import { Injectable } from '@nestjs/common';
import { Viewer, ViewRenderer } from '../web/view-renderer';
import { filterErrors } from '../reports/index/report-table-i18n';
import { uiText } from '../web/ui-i18n';
import { AuditQueryRequest, AuditRecordResponse } from './dto/audit.dto';
import { InvalidAuditPeriodError } from './audit.errors';
import { AuditService } from './audit.service';

const PAGE_SIZE = 50;
const FILTERS = ['entityType', 'entityId', 'actor', 'action', 'from', 'to'] as const;

/** The auditor's page: the filter form and the matching records, newest first. */
@Injectable()
export class AuditPageService {
  constructor(
    private readonly audit: AuditService,
    private readonly views: ViewRenderer,
  ) {}

  async page(query: AuditQueryRequest, viewer: Viewer): Promise<string> {
    const limit = query.limit ?? PAGE_SIZE;
    const offset = query.offset ?? 0;
    let records: AuditRecordResponse[] = [];
    let refusal: InvalidAuditPeriodError | null = null;
    try {
      records = await this.audit.find({ ...query, limit, offset });
    } catch (caught) {
      if (!(caught instanceof InvalidAuditPeriodError)) throw caught;
      refusal = caught;
    }
    const placed = filterErrors(refusal?.errors, {
      from: uiText('audit.fields.from'),
      to: uiText('audit.fields.to'),
    });
    const filter = Object.fromEntries(FILTERS.map((name) => [name, query[name] ?? '']));
    const href = (at: number): string => {
      const params = new URLSearchParams(
        Object.entries(filter).filter(([, value]) => value !== ''),
      );
      if (limit !== PAGE_SIZE) params.set('limit', String(limit));
      if (at > 0) params.set('offset', String(at));
      const search = params.toString();
      return search === '' ? '/audit' : `/audit?${search}`;
    };
    return this.views.render(
      'audit',
      {
        title: uiText('audit.title'),
        active: 'audit',
        error: refusal?.detail ?? null,
        errors: placed.fields,
        errorSummary: placed.summary,
        filter,
        records: records.map((record) => ({
          ...record,
          before: pretty(record.before),
          after: pretty(record.after),
        })),
        newerHref: offset > 0 ? href(Math.max(0, offset - limit)) : null,
        olderHref: records.length === limit ? href(offset + limit) : null,
      },
      viewer,
    );
  }
}

function pretty(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value, null, 2);
}
