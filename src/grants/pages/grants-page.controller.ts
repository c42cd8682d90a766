import { Body, Controller, Get, Header, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { Access } from '../../auth/access.decorator';
import { STAFF } from '../../auth/roles';
import { AuthenticatedRequest } from '../../common/actor';
import { FormBody, sendPage, viewerOf } from '../../web/page-response';
import { GrantsPageService, GrantStepAction } from './grants-page.service';

const HTML = 'text/html; charset=utf-8';

/** The officers' grant pages. Forms post urlencoded fields; the API's validation applies. */
@ApiExcludeController()
@Controller('grants')
export class GrantsPageController {
  constructor(private readonly pages: GrantsPageService) {}

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

  /** 'Check eligibility' (action=check) writes nothing; 'Record' records the request. */
  @Post()
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

  @Post(':id/approval')
  @Access('finance_officer')
  async requestApproval(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: FormBody,
  ): Promise<void> {
    sendPage(response, await this.pages.requestApproval(id, body, viewerOf(request)));
  }

  @Post(':id/disbursement')
  @Access('finance_officer')
  disburse(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: FormBody,
  ): Promise<void> {
    return this.step(request, response, id, 'disbursement', body);
  }

  @Post(':id/settlement')
  @Access('finance_officer')
  settle(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: FormBody,
  ): Promise<void> {
    return this.step(request, response, id, 'settlement', body);
  }

  @Post(':id/cancellation')
  @Access('finance_officer')
  cancel(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: FormBody,
  ): Promise<void> {
    return this.step(request, response, id, 'cancellation', body);
  }

  private async step(
    request: AuthenticatedRequest,
    response: Response,
    id: string,
    action: GrantStepAction,
    body: FormBody,
  ): Promise<void> {
    sendPage(response, await this.pages.step(id, action, body, viewerOf(request)));
  }
}
