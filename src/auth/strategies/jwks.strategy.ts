import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { passportJwtSecret } from 'jwks-rsa';
import { Strategy } from 'passport-jwt';
import { authConfig, type AuthConfig } from '../auth.config.js';
import type { AuthUser } from '../auth-user.js';
import { UsersService } from '../services/users.service.js';
import { extractAccessToken } from './token-extractor.js';

type ExternalClaims = Record<string, unknown> & { sub?: string; iss?: string };

/**
 * RS256 tokens of an external identity provider (Auth0, Cognito) checked against its JWKS (keys cached and
 * rate-limited by jwks-rsa). Without `AUTH_JWKS_URI` this strategy refuses every token.
 */
@Injectable()
export class JwksStrategy extends PassportStrategy(Strategy, 'jwks') {
  constructor(
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    private readonly users: UsersService,
  ) {
    const external = config.external;
    super({
      jwtFromRequest: extractAccessToken,
      secretOrKeyProvider: external
        ? passportJwtSecret({
            jwksUri: external.jwksUri,
            cache: true,
            cacheMaxAge: 10 * 60 * 1000,
            rateLimit: true,
            jwksRequestsPerMinute: 10,
          })
        : (_req: unknown, _token: unknown, done: (err: Error | null, key?: string) => void) =>
            done(new Error('external identity provider not configured')),
      algorithms: ['RS256'],
      issuer: external?.issuer,
      audience: external?.audience,
    });
  }

  async validate(claims: ExternalClaims): Promise<AuthUser | false> {
    const external = this.config.external;
    if (!external || typeof claims.sub !== 'string') return false;
    const rawGroups = claims[external.groupsClaim];
    const groups = Array.isArray(rawGroups)
      ? rawGroups.filter((g): g is string => typeof g === 'string')
      : [];
    const email = typeof claims.email === 'string' ? claims.email : null;
    const nameClaim = [
      claims['cognito:username'],
      claims.preferred_username,
      claims.nickname,
      email?.split('@')[0],
      claims.sub,
    ].find((v): v is string => typeof v === 'string' && v.length > 0);
    const user = await this.users.upsertExternal({
      subject: `${external.issuer}|${claims.sub}`,
      email,
      username: (nameClaim ?? claims.sub).replace(/[^A-Za-z0-9._-]/g, '_'),
      groups,
    });
    return user.isActive ? this.users.toAuthUser(user) : false;
  }
}
