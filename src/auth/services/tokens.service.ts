import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { authConfig, type AuthConfig } from '../auth.config.js';
import { AuthError, AuthErrorCode } from '../auth.errors.js';
import { RefreshToken } from '../entities/refresh-token.entity.js';
import { User } from '../entities/user.entity.js';

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  expires_in: number;
  refresh_expires_in: number;
}

export interface AccessClaims {
  sub: string;
  typ: 'access';
  role: string;
  groups: string[];
  username: string;
}

interface RefreshClaims {
  sub: string;
  typ: 'refresh';
  jti: string;
  fam: string;
}

/** Issues HS256 access/refresh tokens and rotates refresh tokens with reuse detection. */
@Injectable()
export class TokensService {
  constructor(
    private readonly jwt: JwtService,
    @InjectRepository(RefreshToken) private readonly refreshTokens: Repository<RefreshToken>,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  /** A new pair; a new family unless continuing one by rotation. */
  async issue(user: User, familyId: string = randomUUID()): Promise<TokenPair> {
    const jti = randomUUID();
    await this.refreshTokens.insert({
      id: jti,
      userId: user.id,
      familyId,
      expiresAt: new Date(Date.now() + this.config.refreshTtlSeconds * 1000),
    });
    const access: AccessClaims = {
      sub: user.id,
      typ: 'access',
      role: user.role,
      groups: user.groups,
      username: user.username,
    };
    const refresh: RefreshClaims = { sub: user.id, typ: 'refresh', jti, fam: familyId };
    const sign = (claims: object, ttl: number) =>
      this.jwt.signAsync(claims, {
        secret: this.config.jwtSecret,
        algorithm: 'HS256',
        issuer: this.config.issuer,
        expiresIn: ttl,
      });
    return {
      access_token: await sign(access, this.config.accessTtlSeconds),
      refresh_token: await sign(refresh, this.config.refreshTtlSeconds),
      token_type: 'bearer',
      expires_in: this.config.accessTtlSeconds,
      refresh_expires_in: this.config.refreshTtlSeconds,
    };
  }

  /**
   * Checks a refresh token and marks it used. A token that was already rotated or revoked means someone else holds
   * a copy: every token of its family is revoked and the caller must sign in again.
   */
  async consume(token: string): Promise<{ userId: string; familyId: string; tokenId: string }> {
    const claims = await this.verifyRefresh(token);
    const row = await this.refreshTokens.findOne({ where: { id: claims.jti } });
    if (!row || row.userId !== claims.sub)
      throw new AuthError(AuthErrorCode.INVALID_TOKEN, 'Refresh token is not valid');
    if (row.replacedBy || row.revokedAt) {
      await this.revokeFamily(row.familyId);
      throw new AuthError(
        AuthErrorCode.TOKEN_REUSED,
        'Refresh token was already used; all sessions of this login were revoked',
      );
    }
    // Conditional update: of two concurrent refreshes with the same token, exactly one wins.
    const marked = await this.refreshTokens.update(
      { id: row.id, replacedBy: IsNull(), revokedAt: IsNull() },
      { revokedAt: new Date() },
    );
    if (!marked.affected) {
      await this.revokeFamily(row.familyId);
      throw new AuthError(
        AuthErrorCode.TOKEN_REUSED,
        'Refresh token was already used; all sessions of this login were revoked',
      );
    }
    return { userId: row.userId, familyId: row.familyId, tokenId: row.id };
  }

  async markReplaced(tokenId: string, replacement: TokenPair): Promise<void> {
    const claims = this.jwt.decode<RefreshClaims>(replacement.refresh_token);
    await this.refreshTokens.update({ id: tokenId }, { replacedBy: claims.jti });
  }

  /** Logout: revokes the presented token's family; an unreadable token is simply ignored. */
  async revokeByToken(token: string): Promise<void> {
    const claims = await this.verifyRefresh(token).catch(() => undefined);
    if (claims) await this.revokeFamily(claims.fam);
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.refreshTokens.update({ familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  async revokeAllForUser(userId: string): Promise<void> {
    await this.refreshTokens.update({ userId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  private async verifyRefresh(token: string): Promise<RefreshClaims> {
    try {
      const claims = await this.jwt.verifyAsync<RefreshClaims>(token, {
        secret: this.config.jwtSecret,
        algorithms: ['HS256'],
        issuer: this.config.issuer,
      });
      if (claims.typ !== 'refresh' || !claims.jti || !claims.fam) throw new Error('not a refresh token');
      return claims;
    } catch {
      throw new AuthError(AuthErrorCode.INVALID_TOKEN, 'Refresh token is not valid or has expired');
    }
  }
}
