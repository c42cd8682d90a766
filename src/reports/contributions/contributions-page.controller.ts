import { Controller, Get, Header, Query, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Access } from '../../auth/access.decorator';
import { STAFF } from '../../auth/roles';
import { AuthenticatedRequest } from '../../common/actor';
import { viewerOf } from '../../web/page-response';
import { ContributionsPageService } from './contributions-page.service';

@ApiExcludeController()
@Controller('reports')
export class ContributionsPageController {
  constructor(private readonly pages: ContributionsPageService) {}

  @Get('contributions')
  @Access(...STAFF)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  contributions(
    @Req() request: AuthenticatedRequest,
    @Query() query: Record<string, unknown>,
  ): Promise<string> {
    return this.pages.page('contributions', query, viewerOf(request));
  }

  @Get('outstanding-pledges')
  @Access(...STAFF)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  outstanding(
    @Req() request: AuthenticatedRequest,
    @Query() query: Record<string, unknown>,
  ): Promise<string> {
    return this.pages.page('outstanding-pledges', query, viewerOf(request));
  }

  @Get('cash-forecast')
  @Access(...STAFF)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  cashForecast(
    @Req() request: AuthenticatedRequest,
    @Query() query: Record<string, unknown>,
  ): Promise<string> {
    return this.pages.page('cash-forecast', query, viewerOf(request));
  }
}
