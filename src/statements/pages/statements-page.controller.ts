import { Body, Controller, Get, Header, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { Access } from '../../auth/access.decorator';
import { AuthenticatedRequest } from '../../common/actor';
import { FormBody, sendPage, viewerOf } from '../../web/page-response';
import { DOCUMENT_ISSUERS, DOCUMENT_PREVIEWERS, DOCUMENT_READERS } from '../document-access';
import { sendDocumentFile } from '../document-file.response';
import { StatementsPageService } from './statements-page.service';

const HTML = 'text/html; charset=utf-8';

/**
 * The pages of donor documents. Fixed paths only under /statements (its batches have pages
 * there too); a document's own page is /documents/:id, whatever its kind.
 */
@ApiExcludeController()
@Controller()
export class StatementsPageController {
  constructor(private readonly pages: StatementsPageService) {}

  @Get('statements')
  @Access(...DOCUMENT_READERS)
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  list(
    @Req() request: AuthenticatedRequest,
    @Query() query: Record<string, unknown>,
  ): Promise<string> {
    return this.pages.list(query, viewerOf(request));
  }

  @Get('statements/preview')
  @Access(...DOCUMENT_PREVIEWERS)
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  preview(
    @Req() request: AuthenticatedRequest,
    @Query() query: Record<string, unknown>,
  ): Promise<string> {
    return this.pages.previewPage(query, viewerOf(request));
  }

  /** The draft itself, shown in the preview page's frame (or as a PDF with format=pdf). */
  @Get('statements/preview/document')
  @Access(...DOCUMENT_PREVIEWERS)
  async previewDocument(
    @Res() response: Response,
    @Query() query: Record<string, unknown>,
  ): Promise<void> {
    sendDocumentFile(response, await this.pages.previewDocument(query));
  }

  @Post('statements')
  @Access(...DOCUMENT_ISSUERS)
  async issue(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Body() body: FormBody,
  ): Promise<void> {
    sendPage(response, await this.pages.issue(body, viewerOf(request)));
  }

  @Get('acknowledgements/new')
  @Access(...DOCUMENT_ISSUERS)
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  acknowledgeForm(
    @Req() request: AuthenticatedRequest,
    @Query() query: Record<string, unknown>,
  ): Promise<string> {
    return this.pages.acknowledgeForm(query, viewerOf(request));
  }

  @Post('acknowledgements')
  @Access(...DOCUMENT_ISSUERS)
  async acknowledge(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Body() body: FormBody,
  ): Promise<void> {
    sendPage(response, await this.pages.acknowledge(body, viewerOf(request)));
  }

  @Get('documents/:id')
  @Access(...DOCUMENT_READERS)
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  document(
    @Req() request: AuthenticatedRequest,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
  ): Promise<string> {
    return this.pages.document(id, query, viewerOf(request));
  }

  @Post('documents/:id/corrections')
  @Access(...DOCUMENT_ISSUERS)
  async correct(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: FormBody,
  ): Promise<void> {
    sendPage(response, await this.pages.correct(id, body, viewerOf(request)));
  }

  @Post('documents/:id/send')
  @Access(...DOCUMENT_ISSUERS)
  async send(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: FormBody,
  ): Promise<void> {
    sendPage(response, await this.pages.send(id, body, viewerOf(request)));
  }
}
