import { Controller, Get, Header, Query, Req, Res } from '@nestjs/common';
import { Response } from 'express';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/access.decorator';
import { AuthenticatedRequest } from '../common/actor';
import { WebService } from './web.service';
import { sendPage, viewerOf } from './page-response';
import { isUiLanguage, LANGUAGE_COOKIE } from './ui-i18n';
import { safeReturnPath } from './view-renderer';

const HTML = 'text/html; charset=utf-8';

@ApiExcludeController()
@Controller()
export class WebController {
  constructor(private readonly web: WebService) {}

  @Get()
  @Public()
  @Header('Cache-Control', 'no-store')
  async home(@Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    sendPage(response, await this.web.home(viewerOf(request)));
  }

  @Get('partials/system-status')
  @Public()
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  systemStatus(): Promise<string> {
    return this.web.systemStatusPartial();
  }

  /**
   * The header's language switch: remembers the choice in a cookie for a year and goes back to
   * the page it was chosen on. A plain link, so it works without JavaScript.
   */
  @Get('language')
  @Public()
  chooseLanguage(
    @Query('lang') lang: string | undefined,
    @Query('next') next: string | undefined,
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
  ): void {
    if (isUiLanguage(lang)) {
      response.cookie(LANGUAGE_COOKIE, lang, {
        maxAge: 365 * 24 * 3600 * 1000,
        httpOnly: true,
        sameSite: 'lax',
        secure: request.secure,
        path: '/',
      });
    }
    response.redirect(303, safeReturnPath(next));
  }
}
