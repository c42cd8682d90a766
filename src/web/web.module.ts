import { Module } from '@nestjs/common';
import { ViewRenderer } from './view-renderer';
import { WebController } from './web.controller';
import { WebService } from './web.service';

@Module({ controllers: [WebController], providers: [ViewRenderer, WebService] })
export class WebModule {}
