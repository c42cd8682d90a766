import { Body, Controller, Get, Header, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { Access } from '../auth/access.decorator';
import { STAFF } from '../auth/roles';
import { AuthenticatedRequest } from '../common/actor';
import { FormBody, PageResult } from '../donors/donors-page.service';
import { Viewer } from '../web/view-renderer';
import { PledgesPageService } from './pledges-page.service';

const HTML = 'text/html; charset=utf-8';

const viewer = (request: AuthenticatedRequest): Viewer => ({
  actor: request.actor,
  csrfToken: request.csrfToken,
});

function send(response: Response, result: PageResult): void {
  if ('redirect' in result) response.redirect(303, result.redirect);
  else response.status(result.status).type('html').send(result.html);
}

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
    return this.pages.list(query, viewer(request));
  }

  @Get('new')
  @Access('finance_officer')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  newForm(
    @Req() request: AuthenticatedRequest,
    @Query() query: Record<string, unknown>,
  ): Promise<string> {
    return this.pages.newForm(query, viewer(request));
  }

  @Post()
  @Access('finance_officer')
  async create(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Body() body: FormBody,
  ): Promise<void> {
    send(response, await this.pages.create(body, viewer(request)));
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
    return this.pages.detail(id, query, viewer(request));
  }

  @Post(':id/agreement')
  @Access('finance_officer')
  async agree(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: FormBody,
  ): Promise<void> {
    send(response, await this.pages.act(id, 'agreement', body, viewer(request)));
  }

  @Post(':id/conditions-met')
  @Access('finance_officer')
  async conditionsMet(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: FormBody,
  ): Promise<void> {
    send(response, await this.pages.act(id, 'conditions-met', body, viewer(request)));
  }

  @Post(':id/cancellation')
  @Access('finance_officer')
  async cancel(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: FormBody,
  ): Promise<void> {
    send(response, await this.pages.act(id, 'cancellation', body, viewer(request)));
  }

  @Post(':id/write-off')
  @Access('finance_officer')
  async writeOff(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: FormBody,
  ): Promise<void> {
    send(response, await this.pages.act(id, 'write-off', body, viewer(request)));
  }
}
