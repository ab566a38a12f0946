import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RateLimitRegistry } from '../common/throttling/rate-limits.js';
import { AdminUsersController } from './admin-users.controller.js';
import { AuthCoreModule } from './auth-core.module.js';
import { authConfig, type AuthConfig } from './auth.config.js';
import { AuthController } from './auth.controller.js';
import { AuthRateLimit } from './auth.rate-limits.js';
import { AccessGuard } from './guards/access.guard.js';
import { JwtAuthGuard } from './guards/jwt-auth.guard.js';
import { AccountMailProcessor } from './jobs/account-mail.processor.js';

/**
 * Users, sessions and access control in the HTTP app: the routes, the global guards, the rate limits and the
 * account-mail worker over `AuthCoreModule`. Other modules use what `auth/index.ts` exports, nothing else.
 */
@Module({
  imports: [AuthCoreModule],
  controllers: [AuthController, AdminUsersController],
  providers: [
    AccountMailProcessor,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [AuthCoreModule],
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
