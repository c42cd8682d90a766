import { Controller, Get, Header, Query, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Access } from '../../auth/access.decorator';
import { STAFF } from '../../auth/roles';
import { AuthenticatedRequest } from '../../common/actor';
import { viewerOf } from '../../web/page-response';
import { FundPositionPageService } from './fund-position-page.service';

@ApiExcludeController()
@Controller('reports')
export class FundPositionPageController {
  constructor(private readonly pages: FundPositionPageService) {}

  @Get('fund-position')
  @Access(...STAFF)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  page(
    @Req() request: AuthenticatedRequest,
    @Query() query: Record<string, unknown>,
  ): Promise<string> {
    return this.pages.page(query, viewerOf(request));
  }
}
