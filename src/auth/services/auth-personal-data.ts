import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository } from 'typeorm';
import type { Erasure, PersonalDataContributor } from '../../privacy/index.js';
import { AuthError, AuthErrorCode } from '../auth.errors.js';
import { Role } from '../roles.js';
import { EmailToken } from '../entities/email-token.entity.js';
import { RefreshToken } from '../entities/refresh-token.entity.js';
import { User } from '../entities/user.entity.js';
import { UserSummaryDto } from '../user-summary.js';

/**
 * The account itself: profile, sessions (refresh tokens) and mailed tokens. Token hashes and the password hash are
 * never exported. Erased last: every other module's rows reference the user.
 */
@Injectable()
export class AuthPersonalData implements PersonalDataContributor {
  readonly name = 'account';
  readonly description = 'profile (email, username, full name, role, groups), sessions and mailed tokens';
  readonly account = true;

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(RefreshToken) private readonly refreshTokens: Repository<RefreshToken>,
    @InjectRepository(EmailToken) private readonly emailTokens: Repository<EmailToken>,
  ) {}

  async export(userId: string) {
    const user = await this.users.findOneBy({ id: userId });
    if (!user) throw new AuthError(AuthErrorCode.USER_NOT_FOUND, `User ${userId} not found`);
    const [sessions, mailed] = await Promise.all([
      this.refreshTokens.find({ where: { userId }, order: { createdAt: 'ASC' } }),
      this.emailTokens.find({ where: { userId }, order: { createdAt: 'ASC' } }),
    ]);
    return {
      profile: {
        ...UserSummaryDto.from(user),
        is_active: user.isActive,
        email_verified: user.emailVerified,
        external_subject: user.externalSubject,
        last_login_at: user.lastLoginAt?.toISOString() ?? null,
        updated_at: user.updatedAt.toISOString(),
      },
      sessions: sessions.map((t) => ({
        id: t.id,
        family_id: t.familyId,
        created_at: t.createdAt.toISOString(),
        expires_at: t.expiresAt.toISOString(),
        revoked_at: t.revokedAt?.toISOString() ?? null,
      })),
      mailed_tokens: mailed.map((t) => ({
        purpose: t.purpose,
        created_at: t.createdAt.toISOString(),
        expires_at: t.expiresAt.toISOString(),
        used_at: t.usedAt?.toISOString() ?? null,
      })),
    };
  }

  /**
   * Row lock on the user: inserts that reference it (FOR KEY SHARE) wait for the erasure, then fail. Erasing an admin
   * also locks every admin row (in id order, so two erasures cannot deadlock) and refuses to leave no active admin.
   */
  async lock(userId: string, manager: EntityManager): Promise<void> {
    const [target] = await manager.query<Array<{ role: Role }>>(`SELECT role FROM users WHERE id = $1`, [
      userId,
    ]);
    if (!target) throw new AuthError(AuthErrorCode.USER_NOT_FOUND, `User ${userId} not found`);
    if (target.role !== Role.ADMIN) {
      const rows = await manager.query<unknown[]>(`SELECT id FROM users WHERE id = $1 FOR UPDATE`, [userId]);
      if (rows.length === 0) throw new AuthError(AuthErrorCode.USER_NOT_FOUND, `User ${userId} not found`);
      return;
    }
    const rows = await manager.query<Array<{ id: string; role: Role; is_active: boolean }>>(
      `SELECT id, role, is_active FROM users WHERE id = $1 OR role = $2 ORDER BY id FOR UPDATE`,
      [userId, Role.ADMIN],
    );
    if (!rows.some((r) => r.id === userId))
      throw new AuthError(AuthErrorCode.USER_NOT_FOUND, `User ${userId} not found`);
    if (!rows.some((r) => r.id !== userId && r.role === Role.ADMIN && r.is_active))
      throw new AuthError(
        AuthErrorCode.LAST_ADMIN,
        'This is the last active admin: make another user admin before erasing this account',
      );
  }

  async erase(userId: string, manager: EntityManager): Promise<Erasure> {
    const sessions = await manager.delete(RefreshToken, { userId });
    const mailed = await manager.delete(EmailToken, { userId });
    const users = await manager.delete(User, { id: userId });
    return {
      counts: {
        refresh_tokens: sessions.affected ?? 0,
        email_tokens: mailed.affected ?? 0,
        users: users.affected ?? 0,
      },
    };
  }
}
