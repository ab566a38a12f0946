import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import type { Socket } from 'socket.io';
import { originAllowed, ownOrigin } from '../../common/http/origins.js';
import type { AppConfig } from '../../config/app.config.js';
import { authConfig, type AuthConfig } from '../auth.config.js';
import { AuthError, AuthErrorCode } from '../auth.errors.js';
import type { AuthUser } from '../auth-user.js';
import { ACCESS_COOKIE } from '../strategies/token-extractor.js';
import type { AccessClaims } from './tokens.service.js';
import { UsersService } from './users.service.js';

/**
 * Authenticates a Socket.IO handshake with the same access token as HTTP: `auth.token`, an `Authorization: Bearer`
 * header, or the `access_token` cookie.
 *
 * The cookie is sent by the browser whatever page opens the socket, and a WebSocket handshake is not subject to CORS:
 * any site a signed-in user visits could open a socket as that user. So a handshake that authenticates by cookie
 * and carries an `Origin` is accepted only from an origin the HTTP CORS allows (`CORS_ORIGINS`) or from the app's own
 * origin. An explicit token is not ambient (a foreign page cannot know it), so it is accepted from anywhere, as is a
 * cookie without `Origin` (not a browser).
 */
@Injectable()
export class SocketAuthenticator {
  private readonly app: Pick<AppConfig, 'corsOrigins' | 'trustProxy'>;

  constructor(
    private readonly jwt: JwtService,
    private readonly users: UsersService,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    appConfig: ConfigService,
  ) {
    this.app = appConfig.getOrThrow<AppConfig>('app');
  }

  async authenticate(socket: Socket): Promise<AuthUser> {
    const credential = credentialOf(socket);
    if (!credential)
      throw new AuthError(
        AuthErrorCode.UNAUTHENTICATED,
        'Authentication required: pass auth.token in the handshake',
      );
    if (credential.byCookie) this.assertCookieOrigin(socket);
    let claims: AccessClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessClaims>(credential.token, {
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

  private assertCookieOrigin(socket: Socket): void {
    const { headers, secure } = socket.handshake;
    const origin = headers.origin;
    if (origin === undefined) return;
    const own = ownOrigin({ headers, encrypted: secure, trustProxy: this.app.trustProxy });
    if (!originAllowed(origin, this.app.corsOrigins, own))
      throw new AuthError(
        AuthErrorCode.ORIGIN_NOT_ALLOWED,
        `The access_token cookie is not accepted from origin ${origin}: add it to CORS_ORIGINS, or pass auth.token`,
      );
  }
}

type Credential = { token: string; byCookie: boolean };

function credentialOf(socket: Socket): Credential | undefined {
  const auth = socket.handshake.auth as { token?: unknown } | undefined;
  if (typeof auth?.token === 'string' && auth.token)
    return { token: auth.token.replace(/^Bearer\s+/i, ''), byCookie: false };
  const header = socket.handshake.headers.authorization;
  if (header?.toLowerCase().startsWith('bearer ')) return { token: header.slice(7), byCookie: false };
  const cookie = socket.handshake.headers.cookie ?? '';
  const pair = cookie
    .split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${ACCESS_COOKIE}=`));
  return pair
    ? { token: decodeURIComponent(pair.slice(ACCESS_COOKIE.length + 1)), byCookie: true }
    : undefined;
}
