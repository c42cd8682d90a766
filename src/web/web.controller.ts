import { Controller, Get, Header, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/access.decorator';
import { AuthenticatedRequest } from '../common/actor';
import { WebService } from './web.service';

const HTML = 'text/html; charset=utf-8';

@ApiExcludeController()
@Controller()
export class WebController {
  constructor(private readonly web: WebService) {}

  @Get()
  @Public()
  @Header('Content-Type', HTML)
  home(@Req() request: AuthenticatedRequest): Promise<string> {
    return this.web.homePage({ actor: request.actor, csrfToken: request.csrfToken });
  }

  @Get('partials/system-status')
  @Public()
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  systemStatus(): Promise<string> {
    return this.web.systemStatusPartial();
  }
}
