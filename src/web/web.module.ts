import { Module } from '@nestjs/common';
import { ViewRenderer } from './view-renderer';
import { SignInController } from './sign-in.controller';
import { WebController } from './web.controller';
import { WebService } from './web.service';

@Module({
  controllers: [WebController, SignInController],
  providers: [ViewRenderer, WebService],
  // Modules that render their own pages (the audit trail) render them through the one renderer.
  exports: [ViewRenderer],
})
export class WebModule {}
