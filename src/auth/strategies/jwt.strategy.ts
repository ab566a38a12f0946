import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-jwt';
import { authConfig, type AuthConfig } from '../auth.config.js';
import type { AuthUser } from '../auth-user.js';
import { UsersService } from '../services/users.service.js';
import type { AccessClaims } from '../services/tokens.service.js';
import { extractAccessToken } from './token-extractor.js';

/**
 * Our own HS256 access tokens. The user is read on every request so that a disabled account or a role change
 * takes effect at once rather than when the token expires.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(authConfig.KEY) config: AuthConfig,
    private readonly users: UsersService,
  ) {
    super({
      jwtFromRequest: extractAccessToken,
      secretOrKey: config.jwtSecret,
      algorithms: ['HS256'],
      issuer: config.issuer,
      ignoreExpiration: false,
    });
  }

  async validate(claims: AccessClaims): Promise<AuthUser | false> {
    if (claims.typ !== 'access') return false;
    const user = await this.users.findById(claims.sub);
    return user && user.isActive ? this.users.toAuthUser(user) : false;
  }
}
