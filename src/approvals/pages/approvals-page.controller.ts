import { Body, Controller, Get, Header, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { Access } from '../../auth/access.decorator';
import { Role } from '../../auth/roles';
import { AuthenticatedRequest } from '../../common/actor';
import { FormBody, sendPage, viewerOf } from '../../web/page-response';
import { ApprovalsPageService } from './approvals-page.service';

const HTML = 'text/html; charset=utf-8';

/** Who reads the queue: the same roles as GET /api/v1/approvals (ApprovalsController). */
export const APPROVAL_READERS: Role[] = ['finance_officer', 'approver', 'admin', 'auditor'];

/** The approval queue page; the same roles as GET /api/v1/approvals read it. */
@ApiExcludeController()
@Controller('approvals')
export class ApprovalsPageController {
  constructor(private readonly pages: ApprovalsPageService) {}

  @Get()
  @Access(...APPROVAL_READERS)
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  queue(
    @Req() request: AuthenticatedRequest,
    @Query() query: Record<string, unknown>,
  ): Promise<string> {
    return this.pages.queue(query, viewerOf(request));
  }

  @Post(':id/approve')
  @Access('approver')
  async approve(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: FormBody,
  ): Promise<void> {
    sendPage(response, await this.pages.decide(id, 'approve', body, viewerOf(request)));
  }

  @Post(':id/reject')
  @Access('approver')
  async reject(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: FormBody,
  ): Promise<void> {
    sendPage(response, await this.pages.decide(id, 'reject', body, viewerOf(request)));
  }
}
