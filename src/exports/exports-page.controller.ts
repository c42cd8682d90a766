import { Controller, Get, Header, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { STAFF } from '../auth/roles';
import { AuthenticatedRequest } from '../common/actor';
import { viewerOf } from '../web/page-response';
import { ExportsPageService } from './exports-page.service';

@ApiExcludeController()
@Controller('exports')
export class ExportsPageController {
  constructor(private readonly pages: ExportsPageService) {}

  @Get()
  @Access(...STAFF)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  page(@Req() request: AuthenticatedRequest): Promise<string> {
    return this.pages.page(viewerOf(request));
  }
}
