import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { Socket } from 'socket.io';
import { authConfig, type AuthConfig } from '../auth.config.js';
import { AuthError, AuthErrorCode } from '../auth.errors.js';
import type { AuthUser } from '../auth-user.js';
import { ACCESS_COOKIE } from '../strategies/token-extractor.js';
import type { AccessClaims } from './tokens.service.js';
import { UsersService } from './users.service.js';

/**
 * Authenticates a Socket.IO handshake with the same access token as HTTP: `auth.token`, an `Authorization: Bearer`
 * header, or the `access_token` cookie.
 */
@Injectable()
export class SocketAuthenticator {
  constructor(
    private readonly jwt: JwtService,
    private readonly users: UsersService,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  async authenticate(socket: Socket): Promise<AuthUser> {
    const token = tokenOf(socket);
    if (!token)
      throw new AuthError(
        AuthErrorCode.UNAUTHENTICATED,
        'Authentication required: pass auth.token in the handshake',
      );
    let claims: AccessClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessClaims>(token, {
        secret: this.config.jwtSecret,
        algorithms: ['HS256'],
        issuer: this.config.issuer,
      });
    } catch {
      throw new AuthError(AuthErrorCode.INVALID_TOKEN, 'Access token is not valid or has expired');
    }
    if (claims.typ !== 'access') throw new AuthError(AuthErrorCode.INVALID_TOKEN, 'Not an access token');
    const user = await this.users.findById(claims.sub);
    if (!user || !user.isActive)
      throw new AuthError(AuthErrorCode.ACCOUNT_DISABLED, 'This account is disabled');
    return this.users.toAuthUser(user);
  }
}

function tokenOf(socket: Socket): string | undefined {
  const auth = socket.handshake.auth as { token?: unknown } | undefined;
  if (typeof auth?.token === 'string' && auth.token) return auth.token.replace(/^Bearer\s+/i, '');
  const header = socket.handshake.headers.authorization;
  if (header?.toLowerCase().startsWith('bearer ')) return header.slice(7);
  const cookie = socket.handshake.headers.cookie ?? '';
  const pair = cookie
    .split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${ACCESS_COOKIE}=`));
  return pair ? decodeURIComponent(pair.slice(ACCESS_COOKIE.length + 1)) : undefined;
}
