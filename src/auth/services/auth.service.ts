import { Inject, Injectable, Logger } from '@nestjs/common';
import { authConfig, type AuthConfig } from '../auth.config.js';
import { AuthError, AuthErrorCode } from '../auth.errors.js';
import { AuthJob, AuthMailQueue } from '../auth.queue.js';
import { EmailTokenPurpose } from '../entities/email-token.entity.js';
import { User } from '../entities/user.entity.js';
import { EmailTokensService } from './email-tokens.service.js';
import { burnPasswordCheck, hashPassword, verifyPassword } from './password.js';
import { TokenPair, TokensService } from './tokens.service.js';
import { UsersService } from './users.service.js';

export interface Registration {
  email: string;
  /** Derived from the email when absent. */
  username?: string;
  fullName?: string | null;
  password: string;
}

export interface ProfileChanges {
  email?: string;
  username?: string;
  /** null removes it. */
  fullName?: string | null;
  password?: string;
  currentPassword?: string;
}

/** Sign-up, sign-in, sessions, email verification and password reset. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokensService,
    private readonly emailTokens: EmailTokensService,
    private readonly mail: AuthMailQueue,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  async register(input: Registration): Promise<User> {
    const user = await this.users.create(input);
    await this.queueVerification(user);
    return user;
  }

  async login(login: {
    email?: string;
    username?: string;
    password: string;
  }): Promise<{ user: User; tokens: TokenPair }> {
    const found = await this.users.findForLogin(login);
    if (!found?.passwordHash) {
      await burnPasswordCheck(login.password);
      throw new AuthError(AuthErrorCode.INVALID_CREDENTIALS, 'Invalid credentials');
    }
    if (!(await verifyPassword(found.passwordHash, login.password))) {
      throw new AuthError(AuthErrorCode.INVALID_CREDENTIALS, 'Invalid credentials');
    }
    if (!found.isActive) throw new AuthError(AuthErrorCode.ACCOUNT_DISABLED, 'This account is disabled');
    if (this.config.requireEmailVerification && !found.emailVerified) {
      throw new AuthError(
        AuthErrorCode.EMAIL_NOT_VERIFIED,
        'Email address is not verified: follow the link we sent, or ask for a new one',
      );
    }
    await this.users.touchLogin(found.id);
    const user = await this.users.getById(found.id);
    return { user, tokens: await this.tokens.issue(user) };
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const used = await this.tokens.consume(refreshToken);
    const user = await this.users.findById(used.userId);
    if (!user || !user.isActive) {
      await this.tokens.revokeFamily(used.familyId);
      throw new AuthError(AuthErrorCode.ACCOUNT_DISABLED, 'This account is disabled');
    }
    const pair = await this.tokens.issue(user, used.familyId);
    await this.tokens.markReplaced(used.tokenId, pair);
    return pair;
  }

  logout(refreshToken: string | undefined): Promise<void> {
    return refreshToken ? this.tokens.revokeByToken(refreshToken) : Promise.resolve();
  }

  async updateProfile(userId: string, changes: ProfileChanges): Promise<User> {
    if (changes.password !== undefined) {
      const hash = await this.users.passwordHashOf(userId);
      if (hash && !(changes.currentPassword && (await verifyPassword(hash, changes.currentPassword)))) {
        throw new AuthError(AuthErrorCode.WRONG_PASSWORD, 'currentPassword is missing or wrong');
      }
    }
    const current = await this.users.getById(userId);
    const emailChanged =
      changes.email !== undefined && changes.email.toLowerCase() !== current.email?.toLowerCase();
    const user = await this.users.update(userId, {
      email: changes.email,
      username: changes.username,
      fullName: changes.fullName,
      ...(emailChanged ? { emailVerified: false } : {}),
      ...(changes.password !== undefined ? { passwordHash: await hashPassword(changes.password) } : {}),
    });
    if (changes.password !== undefined) await this.tokens.revokeAllForUser(userId);
    if (emailChanged) await this.queueVerification(user);
    return user;
  }

  async verifyEmail(token: string): Promise<User> {
    const userId = await this.emailTokens.consume(token, EmailTokenPurpose.VERIFY_EMAIL);
    return this.users.update(userId, { emailVerified: true });
  }

  /**
   * Never reveals whether the address is registered: the request only queues the address, and the worker looks it
   * up (`AccountMailService`), so known and unknown addresses take the same time.
   */
  async resendVerification(email: string): Promise<void> {
    await this.mail.enqueue(AuthJob.VERIFICATION, { email });
  }

  /** Never reveals whether the address is registered (see `resendVerification`). */
  async requestPasswordReset(email: string): Promise<void> {
    await this.mail.enqueue(AuthJob.PASSWORD_RESET, { email });
  }

  async confirmPasswordReset(token: string, password: string): Promise<void> {
    const userId = await this.emailTokens.consume(token, EmailTokenPurpose.PASSWORD_RESET);
    await this.users.update(userId, { passwordHash: await hashPassword(password) });
    await this.tokens.revokeAllForUser(userId);
  }

  /** A queue that does not answer is logged, never fails the sign-up or profile change (the user can ask again). */
  private async queueVerification(user: User): Promise<void> {
    if (!user.email || user.emailVerified) return;
    try {
      await this.mail.enqueue(AuthJob.VERIFICATION, { userId: user.id });
    } catch (e) {
      this.logger.error({ err: e }, `Could not queue the verification mail of user ${user.id}`);
    }
  }
}
