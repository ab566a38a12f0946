import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { isDatabaseUnavailable } from '../../common/errors/database-errors.js';
import { AuthError, AuthErrorCode } from '../auth.errors.js';
import type { AuthUser } from '../auth-user.js';
import { IS_PUBLIC } from '../decorators/public.decorator.js';

/** Global: every HTTP route needs a valid token (ours or the external IdP's) unless marked `@Public()`. */
@Injectable()
export class JwtAuthGuard extends AuthGuard(['jwt', 'jwks']) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) {
      // Public routes still learn who is calling when a valid token comes along.
      await (super.canActivate(context) as Promise<boolean>).catch(() => false);
      return true;
    }
    return super.canActivate(context) as Promise<boolean>;
  }

  override handleRequest<T = AuthUser>(err: unknown, user: T | false): T {
    // The user could not be loaded because the database is down: that is a 503, not the caller's credentials.
    if (isDatabaseUnavailable(err)) throw err;
    if (err || !user)
      throw new AuthError(
        AuthErrorCode.UNAUTHENTICATED,
        'Authentication required: send a valid bearer token or access_token cookie',
      );
    return user;
  }
}
