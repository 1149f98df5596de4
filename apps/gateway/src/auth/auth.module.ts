import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { InvitationsModule } from '../invitations/invitations.module.js';
import { QuotasModule } from '../quotas/quotas.module.js';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';
import { UsersModule } from '../users/users.module.js';
import { ApiKeyAuthBeforeBody } from './api-key-auth-before-body.js';
import { ApiKeyAuthGuard } from './api-key-auth.guard.js';
import { AuthController } from './auth.controller.js';
import { GlobalAuthGuard, JwtAuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { JwtStrategy, SESSION_JWT_ALGORITHM } from './jwt.strategy.js';
import { PasswordHasher } from './password-hasher.js';
import { PRINCIPAL } from './principal.js';
import { SessionsService } from './sessions.service.js';

@Module({
  imports: [
    UsersModule,
    ApiKeysModule,
    RateLimitModule,
    InvitationsModule,
    QuotasModule,
    PassportModule.register({ property: PRINCIPAL, session: false }),
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: config.jwt.secret,
        signOptions: { algorithm: SESSION_JWT_ALGORITHM, expiresIn: config.jwt.ttlSeconds },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    PasswordHasher,
    SessionsService,
    JwtStrategy,
    JwtAuthGuard,
    ApiKeyAuthGuard,
    ApiKeyAuthBeforeBody,
    { provide: APP_GUARD, useClass: GlobalAuthGuard },
  ],
  exports: [SessionsService],
})
export class AuthModule {}
