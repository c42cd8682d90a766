import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ConfigurationError } from '../config/environment';
import { WeakPasswordError } from './auth.errors';
import { IdentityService } from './identity.service';

/**
 * With ADMIN_USERNAME and ADMIN_PASSWORD set, the first start creates that admin, unless an
 * active admin exists already (then the variables are ignored, and the log says so). There is
 * no default account and no default password.
 */
@Injectable()
export class FirstAdmin implements OnApplicationBootstrap {
  private readonly logger = new Logger(FirstAdmin.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly identity: IdentityService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.firstAdmin;
    if (admin === undefined) {
      // A new installation cannot be used until someone can sign in: say how, once, at start.
      if (!(await this.identity.hasActiveAdmin())) {
        this.logger.warn(
          'no admin yet: create one with `npm run cli -- user:create-admin --username <name> ' +
            '--password-stdin`, or start with ADMIN_USERNAME and ADMIN_PASSWORD set',
        );
      }
      return;
    }
    try {
      const created = await this.identity.bootstrapAdmin(
        admin.username,
        admin.password,
        admin.username,
      );
      this.logger.log(
        created === undefined
          ? 'an active admin exists: ADMIN_USERNAME and ADMIN_PASSWORD are ignored'
          : `created the first admin, ${created.username}`,
      );
    } catch (error) {
      if (error instanceof WeakPasswordError) {
        throw new ConfigurationError([
          `ADMIN_PASSWORD ${error.errors?.[0]?.reason ?? 'is not acceptable'}`,
        ]);
      }
      throw error;
    }
  }
}
