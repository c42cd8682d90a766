import { Controller, Get, Header, Param, Query, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { AuthenticatedRequest } from '../common/actor';
import { viewerOf } from '../web/page-response';
import { PortalPageService } from './portal-page.service';

const HTML = 'text/html; charset=utf-8';

/**
 * The donor portal, for donor users only: staff are refused (403) as on any page outside their
 * roles; they have the full pages (/pledges, /receipts, /statements…) for the same figures.
 */
@ApiExcludeController()
@Controller('portal')
export class PortalController {
  constructor(private readonly pages: PortalPageService) {}

  @Get()
  @Access('donor')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  overview(
    @Req() request: AuthenticatedRequest,
    @Query() query: Record<string, unknown>,
  ): Promise<string> {
    return this.pages.overview(query, viewerOf(request));
  }

  @Get('pledges/:id')
  @Access('donor')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  pledge(@Req() request: AuthenticatedRequest, @Param('id') id: string): Promise<string> {
    return this.pages.pledge(id, viewerOf(request));
  }
}
