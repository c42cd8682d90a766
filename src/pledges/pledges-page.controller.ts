import { Body, Controller, Get, Header, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { Access } from '../auth/access.decorator';
import { STAFF } from '../auth/roles';
import { AuthenticatedRequest } from '../common/actor';
import { FormBody } from '../web/page-response';
import { sendPage, viewerOf } from '../web/page-response';
import { PledgesPageService } from './pledges-page.service';

const HTML = 'text/html; charset=utf-8';

/** The officers' pledge pages. Forms post urlencoded fields; the API's validation applies. */
@ApiExcludeController()
@Controller('pledges')
export class PledgesPageController {
  constructor(private readonly pages: PledgesPageService) {}

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

  @Get(':id/amend')
  @Access('finance_officer')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  amendForm(@Req() request: AuthenticatedRequest, @Param('id') id: string): Promise<string> {
    return this.pages.amendForm(id, viewerOf(request));
  }

  /** Previews the amendment (a dry run, nothing written) or applies it, by the button used. */
  @Post(':id/amend')
  @Access('finance_officer')
  async amend(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: FormBody,
  ): Promise<void> {
    sendPage(response, await this.pages.amend(id, body, viewerOf(request)));
  }

  @Post(':id/agreement')
  @Access('finance_officer')
  async agree(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: FormBody,
  ): Promise<void> {
    sendPage(response, await this.pages.act(id, 'agreement', body, viewerOf(request)));
  }

  @Post(':id/conditions-met')
  @Access('finance_officer')
  async conditionsMet(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: FormBody,
  ): Promise<void> {
    sendPage(response, await this.pages.act(id, 'conditions-met', body, viewerOf(request)));
  }

  @Post(':id/cancellation')
  @Access('finance_officer')
  async cancel(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: FormBody,
  ): Promise<void> {
    sendPage(response, await this.pages.act(id, 'cancellation', body, viewerOf(request)));
  }

  @Post(':id/write-off')
  @Access('finance_officer')
  async writeOff(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: FormBody,
  ): Promise<void> {
    sendPage(response, await this.pages.act(id, 'write-off', body, viewerOf(request)));
  }
}
