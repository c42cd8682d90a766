import { Body, Controller, Get, Header, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { Access } from '../auth/access.decorator';
import { STAFF } from '../auth/roles';
import { AuthenticatedRequest } from '../common/actor';
import { FormBody, sendPage, viewerOf } from '../web/page-response';
import { ParticipantsPageService } from './participants-page.service';

const HTML = 'text/html; charset=utf-8';

/** The participant pages. The form posts urlencoded fields; the API's validation applies. */
@ApiExcludeController()
@Controller('participants')
export class ParticipantsPageController {
  constructor(private readonly pages: ParticipantsPageService) {}

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

  // Before ':id', so that "new" is not taken for a participant's id.
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
}
