import { CurrentOrigin, type RequestOrigin } from '../audit/request-origin.js';
import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthResponse, RegistrationInfo, UserView } from '@uniroute/shared';
import { GatewayError } from '../common/errors/gateway-error.js';
import { InvitationsService } from '../invitations/invitations.service.js';
import { UsersService } from '../users/users.service.js';
import { AuthService } from './auth.service.js';
import { AuthResponseDto, RegistrationInfoDto, UserViewDto } from './dto/auth.views.js';
import { ChangePasswordDto } from './dto/change-password.dto.js';
import { CredentialsDto } from './dto/credentials.dto.js';
import { RegisterDto } from './dto/register.dto.js';
import { CurrentPrincipal, type Principal } from './principal.js';
import { Public } from './public.decorator.js';

/** Accounts and sessions (§2, §12). Client IPs are `request.ip`, as TRUST_PROXY says. */
@ApiTags('Auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly invitations: InvitationsService,
  ) {}

  @Public()
  @Get('registration')
  @ApiOkResponse({ type: RegistrationInfoDto })
  registration(): Promise<RegistrationInfo> {
    return this.invitations.registrationInfo();
  }

  @Public()
  @Post('register')
  @ApiCreatedResponse({ type: AuthResponseDto })
  register(@Body() body: RegisterDto, @Ip() ip: string): Promise<AuthResponse> {
    return this.auth.register(body, ip);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: AuthResponseDto })
  login(@Body() body: CredentialsDto, @Ip() ip: string, @CurrentOrigin() origin: RequestOrigin): Promise<AuthResponse> {
    return this.auth.login(body, ip, origin.userAgent);
  }

  @Get('me')
  @ApiBearerAuth('session')
  @ApiOkResponse({ type: UserViewDto })
  async me(@CurrentPrincipal() principal: Principal): Promise<UserView> {
    const user = await this.users.findById(principal.userId);
    if (!user) throw new GatewayError('unauthenticated', 'Missing, invalid or expired session token.');
    return this.users.toView(user);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth('session')
  @ApiNoContentResponse({ description: 'This session token stops working at once, on every replica.' })
  async logout(@CurrentPrincipal() principal: Principal): Promise<void> {
    await this.auth.logout(principal);
  }

  @Post('password')
  @HttpCode(204)
  @ApiBearerAuth('session')
  @ApiNoContentResponse({ description: 'Changed; every other session of the account is revoked, this one stays valid.' })
  async changePassword(@CurrentPrincipal() principal: Principal, @Body() body: ChangePasswordDto, @Ip() ip: string): Promise<void> {
    await this.auth.changePassword(principal, body, ip);
  }
}
