import { Body, Controller, Get, Header, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { Access } from '../../auth/access.decorator';
import { STAFF } from '../../auth/roles';
import { AuthenticatedRequest } from '../../common/actor';
import { FormBody, sendPage, viewerOf } from '../../web/page-response';
import { DOCUMENT_ISSUERS } from '../document-access';
import { StatementBatchesPageService } from './statement-batches-page.service';

const HTML = 'text/html; charset=utf-8';

/**
 * The statement batch pages, under /statements/batches. StatementBatchesModule is imported
 * before StatementsModule in AppModule, so these fixed paths are registered before any
 * /statements/:something page of the statements.
 */
@ApiExcludeController()
@Controller('statements/batches')
export class StatementBatchesPageController {
  constructor(private readonly pages: StatementBatchesPageService) {}

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

  @Get('new')
  @Access(...DOCUMENT_ISSUERS)
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  newForm(@Req() request: AuthenticatedRequest): Promise<string> {
    return this.pages.newForm(viewerOf(request));
  }

  @Post()
  @Access(...DOCUMENT_ISSUERS)
  async create(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Body() body: FormBody,
  ): Promise<void> {
    sendPage(response, await this.pages.create(body, viewerOf(request)));
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

  @Post(':id/retry')
  @Access(...DOCUMENT_ISSUERS)
  async retry(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: FormBody,
  ): Promise<void> {
    sendPage(response, await this.pages.retry(id, body, viewerOf(request)));
  }
}
