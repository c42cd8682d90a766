import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { InfoModule } from './info/info.module';
import { ConnectionDrainer } from './common/connection-drainer';
import { loggingModule } from './common/logging';
import { WebModule } from './web/web.module';

@Module({})
export class AppModule {
  /** The configuration is loaded before the module graph, so tests can pass their own. */
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        loggingModule(config),
        DatabaseModule,
        HealthModule,
        InfoModule,
        WebModule,
      ],
      providers: [ConnectionDrainer],
    };
  }
}
