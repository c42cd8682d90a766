import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { Access } from '../../auth/access.decorator';
import { STAFF } from '../../auth/roles';
import { AuthenticatedRequest } from '../../common/actor';
import { FormBody, sendPage, viewerOf } from '../../web/page-response';
import { ReceiptsPageService } from './receipts-page.service';

const HTML = 'text/html; charset=utf-8';

/** The officers' receipt pages. Forms post urlencoded fields; the API's validation applies. */
@ApiExcludeController()
@Controller('receipts')
export class ReceiptsPageController {
  constructor(private readonly pages: ReceiptsPageService) {}

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
  newForm(
    @Req() request: AuthenticatedRequest,
    @Query() query: Record<string, unknown>,
  ): Promise<string> {
    return this.pages.newForm(query, viewerOf(request));
  }

  @Post()
  @Access('finance_officer')
  async record(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Body() body: FormBody,
  ): Promise<void> {
    sendPage(response, await this.pages.record(body, viewerOf(request)));
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

  @Get(':id/allocate')
  @Access('finance_officer')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  allocateForm(@Req() request: AuthenticatedRequest, @Param('id') id: string): Promise<string> {
    return this.pages.allocateForm(id, viewerOf(request));
  }

  /** Applies the amounts typed per instalment, or everything oldest due first, by the button. */
  @Post(':id/allocate')
  @Access('finance_officer')
  async allocate(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: FormBody,
  ): Promise<void> {
    sendPage(response, await this.pages.allocate(id, body, viewerOf(request)));
  }

  /** The running "left to allocate" of the allocation page (htmx, as amounts are typed). */
  @Post(':id/allocate/left')
  @Access('finance_officer')
  @HttpCode(200)
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  leftToAllocate(
    @Req() request: AuthenticatedRequest,
    @Param('id') id: string,
    @Body() body: FormBody,
  ): Promise<string> {
    return this.pages.leftToAllocate(id, body, viewerOf(request));
  }

  @Get(':id/donor')
  @Access('finance_officer')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  donorForm(@Req() request: AuthenticatedRequest, @Param('id') id: string): Promise<string> {
    return this.pages.donorForm(id, viewerOf(request));
  }

  @Post(':id/donor')
  @Access('finance_officer')
  async assignDonor(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: FormBody,
  ): Promise<void> {
    sendPage(response, await this.pages.assignDonor(id, body, viewerOf(request)));
  }

  @Post(':id/refund')
  @Access('finance_officer')
  async refund(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: FormBody,
  ): Promise<void> {
    sendPage(response, await this.pages.act(id, 'refund', body, viewerOf(request)));
  }

  @Post(':id/reversal')
  @Access('finance_officer')
  async reverse(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: FormBody,
  ): Promise<void> {
    sendPage(response, await this.pages.act(id, 'reversal', body, viewerOf(request)));
  }
}
