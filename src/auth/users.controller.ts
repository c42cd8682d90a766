import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor } from '../common/actor';
import { API_V1 } from '../common/api';
import { Access } from './access.decorator';
import {
  CreateTokenRequest,
  CreateUserRequest,
  IssuedTokenResponse,
  SetDonorsRequest,
  SetRolesRequest,
  TokenResponse,
  UserResponse,
} from './dto/identity.dto';
import { ROLES } from './roles';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller(`${API_V1}/users`)
@Access('admin')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiCreatedResponse({ type: UserResponse })
  create(@CurrentActor() actor: Actor, @Body() request: CreateUserRequest): Promise<UserResponse> {
    return this.users.create(actor, request);
  }

  @Get()
  @ApiOkResponse({ type: [UserResponse] })
  list(): Promise<UserResponse[]> {
    return this.users.list();
  }

  @Get(':id')
  @ApiOkResponse({ type: UserResponse })
  get(@Param('id') id: string): Promise<UserResponse> {
    return this.users.get(id);
  }

  @Put(':id/roles')
  @ApiOkResponse({ type: UserResponse })
  setRoles(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: SetRolesRequest,
  ): Promise<UserResponse> {
    return this.users.setRoles(actor, id, request);
  }

  @Put(':id/donors')
  @ApiOkResponse({ type: UserResponse })
  setDonors(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() request: SetDonorsRequest,
  ): Promise<UserResponse> {
    return this.users.setDonors(actor, id, request);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ApiOkResponse({
    type: UserResponse,
    description: 'Its sessions and tokens stop working at once',
  })
  disable(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<UserResponse> {
    return this.users.setDisabled(actor, id, true);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiOkResponse({ type: UserResponse })
  enable(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<UserResponse> {
    return this.users.setDisabled(actor, id, false);
  }
}

@ApiTags('users')
@Controller(`${API_V1}/me`)
@Access(...ROLES)
export class MeController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOkResponse({ type: UserResponse })
  me(@CurrentActor() actor: Actor): Promise<UserResponse> {
    return this.users.me(actor);
  }

  @Post('tokens')
  @ApiCreatedResponse({
    type: IssuedTokenResponse,
    description: 'The token value is shown only here',
  })
  createToken(
    @CurrentActor() actor: Actor,
    @Body() request: CreateTokenRequest,
  ): Promise<IssuedTokenResponse> {
    return this.users.createToken(actor, request);
  }

  @Get('tokens')
  @ApiOkResponse({ type: [TokenResponse] })
  tokens(@CurrentActor() actor: Actor): Promise<TokenResponse[]> {
    return this.users.tokens(actor);
  }

  @Post('tokens/:id/revoke')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenResponse })
  revokeToken(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<TokenResponse> {
    return this.users.revokeToken(actor, id);
  }
}
