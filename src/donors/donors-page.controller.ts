import { Body, Controller, Get, Header, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { Access } from '../auth/access.decorator';
import { STAFF } from '../auth/roles';
import { AuthenticatedRequest } from '../common/actor';
import { Viewer } from '../web/view-renderer';
import { DonorsPageService, FormBody, PageResult } from './donors-page.service';

const HTML = 'text/html; charset=utf-8';

const viewer = (request: AuthenticatedRequest): Viewer => ({
  actor: request.actor,
  csrfToken: request.csrfToken,
});

function send(response: Response, result: PageResult): void {
  if ('redirect' in result) response.redirect(303, result.redirect);
  else response.status(result.status).type('html').send(result.html);
}

/** The officers' donor pages. Forms post urlencoded fields; the API's validation applies. */
@ApiExcludeController()
@Controller('donors')
export class DonorsPageController {
  constructor(private readonly pages: DonorsPageService) {}

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
  @Access('finance_officer', 'admin')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  newForm(@Req() request: AuthenticatedRequest): Promise<string> {
    return this.pages.newForm(viewer(request));
  }

  @Post()
  @Access('finance_officer', 'admin')
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
    @Query('saved') saved?: string,
  ): Promise<string> {
    return this.pages.detail(id, saved, viewer(request));
  }

  @Get(':id/edit')
  @Access('finance_officer', 'admin')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  editForm(@Req() request: AuthenticatedRequest, @Param('id') id: string): Promise<string> {
    return this.pages.editForm(id, viewer(request));
  }

  @Post(':id/edit')
  @Access('finance_officer', 'admin')
  async update(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: FormBody,
  ): Promise<void> {
    send(response, await this.pages.update(id, body, viewer(request)));
  }
}
