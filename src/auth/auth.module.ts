import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessGuard } from './access.guard';
import { FirstAdmin } from './first-admin';
import { IdentityRepository } from './identity.repository';
import { IdentityService } from './identity.service';
import { PasswordService } from './password.service';
import { MeController, UsersController } from './users.controller';
import { UsersService } from './users.service';

@Global()
@Module({
  controllers: [UsersController, MeController],
  providers: [
    IdentityService,
    IdentityRepository,
    PasswordService,
    UsersService,
    FirstAdmin,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [IdentityService, PasswordService],
})
export class AuthModule {}
