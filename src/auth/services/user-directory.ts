import { Injectable } from '@nestjs/common';
import { AuthError, AuthErrorCode } from '../auth.errors.js';
import type { User } from '../entities/user.entity.js';
import type { UserSummary } from '../user-summary.js';
import { verifyPassword } from './password.js';
import { type NewUser, UsersService } from './users.service.js';

/** The lookups other modules may make about users; they get `UserSummary`, never Auth's entity. */
@Injectable()
export class UserDirectory {
  constructor(private readonly users: UsersService) {}

  async findByEmail(email: string): Promise<UserSummary | null> {
    const user = await this.users.findByEmail(email);
    return user ? summarise(user) : null;
  }

  /** Throws Auth's `USER_NOT_FOUND` domain error when there is none. */
  async getById(id: string): Promise<UserSummary> {
    return summarise(await this.users.getById(id));
  }

  /**
   * Re-authentication before an irreversible act: throws `WRONG_PASSWORD` (400) when the account has a password and
   * `password` is missing or wrong. Accounts of an external identity provider have none to check.
   */
  async confirmPassword(id: string, password: string | undefined): Promise<void> {
    const hash = await this.users.passwordHashOf(id);
    if (hash && !(password && (await verifyPassword(hash, password))))
      throw new AuthError(AuthErrorCode.WRONG_PASSWORD, 'password is missing or wrong');
  }

  /** For seeds and admin commands: the same checks as registration (unique email and username). */
  async create(input: NewUser): Promise<UserSummary> {
    return summarise(await this.users.create(input));
  }
}

function summarise(user: User): UserSummary {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    fullName: user.fullName,
    role: user.role,
    groups: user.groups,
    createdAt: user.createdAt,
  };
}
