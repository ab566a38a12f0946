import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthError, AuthErrorCode } from '../auth.errors.js';
import { AuthUser, inGroup } from '../auth-user.js';
import { GROUPS, ROLES } from '../decorators/access.decorator.js';
import { Role } from '../roles.js';

/** Global: enforces `@Roles(...)` and `@Groups(...)` after authentication. */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    const groups = this.reflector.getAllAndOverride<string[] | undefined>(GROUPS, targets);
    if (!roles && !groups) return true;
    const user = context.switchToHttp().getRequest<{ user?: AuthUser }>().user;
    if (!user) throw new AuthError(AuthErrorCode.UNAUTHENTICATED, 'Authentication required');
    if (roles && !roles.includes(user.role)) {
      throw new AuthError(
        AuthErrorCode.FORBIDDEN_ROLE,
        `User must have role ${roles.map((r) => `'${r}'`).join(' or ')}`,
      );
    }
    if (groups && !groups.some((g) => inGroup(user, g))) {
      throw new AuthError(
        AuthErrorCode.FORBIDDEN_GROUP,
        `User must belong to group ${groups.map((g) => `'${g}'`).join(' or ')}`,
      );
    }
    return true;
  }
}
