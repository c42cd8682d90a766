import { Body, Controller, Get, Header, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { Access } from '../../auth/access.decorator';
import { STAFF } from '../../auth/roles';
import { AuthenticatedRequest } from '../../common/actor';
import { FormBody, sendPage, viewerOf } from '../../web/page-response';
import { ReceiptBatchesPageService } from './receipt-batches-page.service';

const HTML = 'text/html; charset=utf-8';

/**
 * The batch-entry pages. Their routes must be registered before the receipt pages' `/receipts/:id`
 * (ReceiptBatchesModule is imported before ReceiptsPagesModule in AppModule), or `batches`
 * would be taken for a receipt id.
 */
@ApiExcludeController()
@Controller('receipts/batches')
export class ReceiptBatchesPageController {
  constructor(private readonly pages: ReceiptBatchesPageService) {}

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
  @Access('finance_officer')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  newForm(@Req() request: AuthenticatedRequest): Promise<string> {
    return this.pages.newForm(viewerOf(request));
  }

  @Post()
  @Access('finance_officer')
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

  /** The draft's form: "Add row", "Save draft" or "Post batch", by the button used. */
  @Post(':id')
  @Access('finance_officer')
  async act(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: FormBody,
  ): Promise<void> {
    sendPage(response, await this.pages.act(id, body, viewerOf(request)));
  }
}
