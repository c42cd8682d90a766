import { Body, Controller, Get, Header, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { Access } from '../../auth/access.decorator';
import { STAFF } from '../../auth/roles';
import { AuthenticatedRequest } from '../../common/actor';
import { FormBody, sendPage, viewerOf } from '../../web/page-response';
import { StatementImportPageService } from './statement-import-page.service';

const HTML = 'text/html; charset=utf-8';

/** The statement pages; `/bank-statements/import` is declared before `/bank-statements/:id`. */
@ApiExcludeController()
@Controller('bank-statements')
export class StatementImportPageController {
  constructor(private readonly pages: StatementImportPageService) {}

  @Get()
  @Access(...STAFF)
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  list(
    @Req() request: AuthenticatedRequest,
    @Query() query: Record<string, unknown>,
  ): Promise<string> {
    return this.pages.list(query, viewerOf(request));
  }

  @Get('import')
  @Access('finance_officer')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  importForm(@Req() request: AuthenticatedRequest): Promise<string> {
    return this.pages.importForm(viewerOf(request));
  }

  @Post('import')
  @Access('finance_officer')
  async submit(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Body() body: FormBody,
  ): Promise<void> {
    sendPage(response, await this.pages.submit(body, viewerOf(request)));
  }

  @Get(':id')
  @Access(...STAFF)
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  detail(
    @Req() request: AuthenticatedRequest,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
  ): Promise<string> {
    return this.pages.detail(id, query, viewerOf(request));
  }
}
