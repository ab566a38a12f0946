import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminUsersController } from './admin-users.controller.js';
import { authConfig, type AuthConfig } from './auth.config.js';
import { AuthController } from './auth.controller.js';
import { AuthRateLimit } from './auth.rate-limits.js';
import { RateLimitRegistry } from '../common/throttling/rate-limits.js';
import { AUTH_ENTITIES } from './entities/index.js';
import { AccessGuard } from './guards/access.guard.js';
import { JwtAuthGuard } from './guards/jwt-auth.guard.js';
import { Mailer } from './mail/mailer.js';
import { AuthService } from './services/auth.service.js';
import { EmailTokensService } from './services/email-tokens.service.js';
import { SocketAuthenticator } from './services/socket-authenticator.js';
import { TokensService } from './services/tokens.service.js';
import { UserDirectory } from './services/user-directory.js';
import { UsersService } from './services/users.service.js';
import { JwksStrategy } from './strategies/jwks.strategy.js';
import { JwtStrategy } from './strategies/jwt.strategy.js';

/** Users, sessions and access control. Other modules use what `auth/index.ts` exports, nothing else. */
@Module({
  imports: [TypeOrmModule.forFeature(AUTH_ENTITIES), PassportModule, JwtModule.register({})],
  controllers: [AuthController, AdminUsersController],
  providers: [
    UsersService,
    TokensService,
    EmailTokensService,
    AuthService,
    Mailer,
    SocketAuthenticator,
    JwtStrategy,
    JwksStrategy,
    UserDirectory,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  // UsersService only for AuthCliModule's commands; other modules get UserDirectory (ESLint keeps the class internal).
  exports: [UserDirectory, SocketAuthenticator, UsersService],
})
export class AuthModule implements OnModuleInit {
  constructor(
    private readonly rateLimits: RateLimitRegistry,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  onModuleInit(): void {
    const { login, register, refresh } = this.config.throttle;
    for (const [name, limit] of [
      [AuthRateLimit.LOGIN, login],
      [AuthRateLimit.REGISTER, register],
      [AuthRateLimit.REFRESH, refresh],
    ] as const)
      this.rateLimits.register(name, { limit, windowMs: 60_000, per: 'ip' });
  }
}
