import { Body, Controller, Get, Header, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { Access } from '../auth/access.decorator';
import { STAFF } from '../auth/roles';
import { AuthenticatedRequest } from '../common/actor';
import { sendPage, viewerOf } from '../web/page-response';
import { DonorsPageService, FormBody } from './donors-page.service';

const HTML = 'text/html; charset=utf-8';

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
    return this.pages.list(query, viewerOf(request));
  }

  @Get('new')
  @Access('finance_officer', 'admin')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  newForm(@Req() request: AuthenticatedRequest): Promise<string> {
    return this.pages.newForm(viewerOf(request));
  }

  @Post()
  @Access('finance_officer', 'admin')
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
    @Query('saved') saved?: string,
  ): Promise<string> {
    return this.pages.detail(id, saved, viewerOf(request));
  }

  @Get(':id/edit')
  @Access('finance_officer', 'admin')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  editForm(@Req() request: AuthenticatedRequest, @Param('id') id: string): Promise<string> {
    return this.pages.editForm(id, viewerOf(request));
  }

  @Post(':id/edit')
  @Access('finance_officer', 'admin')
  async update(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: FormBody,
  ): Promise<void> {
    sendPage(response, await this.pages.update(id, body, viewerOf(request)));
  }
}
