import { Controller, Get, Header, Query, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { AuthenticatedRequest } from '../common/actor';
import { AuditQueryRequest } from './dto/audit.dto';
import { AuditPageService } from './audit-page.service';
import { viewerOf } from '../web/page-response';

@ApiExcludeController()
@Controller('audit')
export class AuditPageController {
  constructor(private readonly pages: AuditPageService) {}

  @Get()
  @Access('auditor', 'admin')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  page(@Req() request: AuthenticatedRequest, @Query() query: AuditQueryRequest): Promise<string> {
    return this.pages.page(query, viewerOf(request));
  }
}
