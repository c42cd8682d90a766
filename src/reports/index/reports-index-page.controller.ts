import { Controller, Get, Header, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Access } from '../../auth/access.decorator';
import { STAFF } from '../../auth/roles';
import { AuthenticatedRequest } from '../../common/actor';
import { viewerOf } from '../../web/page-response';
import { ViewRenderer } from '../../web/view-renderer';
import { reportIndex } from './report-index';
import { uiText } from '../../web/ui-i18n';

/** The list of every report, the dashboard and the exports: where the Reports link leads. */
@ApiExcludeController()
@Controller('reports')
export class ReportsIndexPageController {
  constructor(private readonly views: ViewRenderer) {}

  @Get()
  @Access(...STAFF)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  page(@Req() request: AuthenticatedRequest): string {
    return this.views.render(
      'reports/index',
      { title: uiText('reports.index.title'), active: 'reports', sections: reportIndex() },
      viewerOf(request),
    );
  }
}
