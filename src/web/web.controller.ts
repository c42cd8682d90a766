import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { WebService } from './web.service';

const HTML = 'text/html; charset=utf-8';

@ApiExcludeController()
@Controller()
export class WebController {
  constructor(private readonly web: WebService) {}

  @Get()
  @Header('Content-Type', HTML)
  home(): Promise<string> {
    return this.web.homePage();
  }

  @Get('partials/system-status')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  systemStatus(): Promise<string> {
    return this.web.systemStatusPartial();
  }
}
