import { Body, Controller, Get, Header, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { Access } from '../../auth/access.decorator';
import { STAFF } from '../../auth/roles';
import { AuthenticatedRequest } from '../../common/actor';
import { FormBody, sendPage, viewerOf } from '../../web/page-response';
import { MatchingPageService } from './matching-page.service';

/** The reconciliation workbench. Forms post urlencoded fields; the API's validation applies. */
@ApiExcludeController()
@Controller('bank-reconciliation')
export class MatchingPageController {
  constructor(private readonly pages: MatchingPageService) {}

  @Get()
  @Access(...STAFF)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  workbench(
    @Req() request: AuthenticatedRequest,
    @Query() query: Record<string, unknown>,
  ): Promise<string> {
    return this.pages.workbench(query, viewerOf(request));
  }

  @Post('lines/:id/:action')
  @Access('finance_officer')
  async act(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Param('action') action: string,
    @Body() body: FormBody,
  ): Promise<void> {
    sendPage(response, await this.pages.act(id, action, body, viewerOf(request)));
  }
}
