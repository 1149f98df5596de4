import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthResponse, UserView } from '@uniroute/shared';
import { GatewayError } from '../common/errors/gateway-error.js';
import { UsersService } from '../users/users.service.js';
import { AuthService } from './auth.service.js';
import { AuthResponseDto, UserViewDto } from './dto/auth.views.js';
import { CredentialsDto } from './dto/credentials.dto.js';
import { CurrentPrincipal, type Principal } from './principal.js';
import { Public } from './public.decorator.js';

/** Accounts and sessions (§2). */
@ApiTags('Auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Public()
  @Post('register')
  @ApiCreatedResponse({ type: AuthResponseDto })
  register(@Body() body: CredentialsDto): Promise<AuthResponse> {
    return this.auth.register(body);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: AuthResponseDto })
  login(@Body() body: CredentialsDto, @Ip() ip: string): Promise<AuthResponse> {
    return this.auth.login(body, ip);
  }

  @Get('me')
  @ApiBearerAuth('session')
  @ApiOkResponse({ type: UserViewDto })
  async me(@CurrentPrincipal() principal: Principal): Promise<UserView> {
    const user = await this.users.findById(principal.userId);
    if (!user) throw new GatewayError('unauthenticated', 'Missing, invalid or expired session token.');
    return this.users.toView(user);
  }
}
