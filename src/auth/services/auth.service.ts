import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AppConfig } from '../../config/app.config.js';
import { authConfig, type AuthConfig } from '../auth.config.js';
import { AuthError, AuthErrorCode } from '../auth.errors.js';
import { EmailTokenPurpose } from '../entities/email-token.entity.js';
import { User } from '../entities/user.entity.js';
import { Mailer } from '../mail/mailer.js';
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
  private readonly publicUrl: string;

  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokensService,
    private readonly emailTokens: EmailTokensService,
    private readonly mailer: Mailer,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    appConfig: ConfigService,
  ) {
    this.publicUrl = appConfig.getOrThrow<AppConfig>('app').publicUrl.replace(/\/$/, '');
  }

  async register(input: Registration): Promise<User> {
    const user = await this.users.create(input);
    await this.sendVerification(user);
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
    if (emailChanged) await this.sendVerification(user);
    return user;
  }

  async verifyEmail(token: string): Promise<User> {
    const userId = await this.emailTokens.consume(token, EmailTokenPurpose.VERIFY_EMAIL);
    return this.users.update(userId, { emailVerified: true });
  }

  /** Never reveals whether the address is registered. */
  async resendVerification(email: string): Promise<void> {
    const user = await this.users.findByEmail(email);
    if (user && !user.emailVerified && user.isActive) await this.sendVerification(user);
  }

  /** Never reveals whether the address is registered. */
  async requestPasswordReset(email: string): Promise<void> {
    const user = await this.users.findByEmail(email);
    if (!user || !user.isActive || !user.email) return;
    const token = await this.emailTokens.create(user.id, EmailTokenPurpose.PASSWORD_RESET);
    await this.deliver({
      to: user.email,
      subject: 'Reset your Terrawatch password',
      text:
        `Someone asked to reset the password of ${user.username}. If it was you, use this token within 24 hours:\n\n` +
        `${token}\n\nPOST ${this.publicUrl}/api/v1/auth/password-reset/confirm with {"token": "...", "password": "..."}.\n` +
        `If it was not you, ignore this mail.`,
    });
  }

  async confirmPasswordReset(token: string, password: string): Promise<void> {
    const userId = await this.emailTokens.consume(token, EmailTokenPurpose.PASSWORD_RESET);
    await this.users.update(userId, { passwordHash: await hashPassword(password) });
    await this.tokens.revokeAllForUser(userId);
  }

  private async sendVerification(user: User): Promise<void> {
    if (!user.email) return;
    const token = await this.emailTokens.create(user.id, EmailTokenPurpose.VERIFY_EMAIL);
    await this.deliver({
      to: user.email,
      subject: 'Verify your Terrawatch email address',
      text: `Welcome, ${user.username}. Confirm your address within 24 hours:\n\n${this.publicUrl}/api/v1/auth/verify-email/${token}\n`,
    });
  }

  /** A mail failure is logged, never fails the request that caused it (the user can ask again). */
  private async deliver(mail: { to: string; subject: string; text: string }): Promise<void> {
    try {
      await this.mailer.send(mail);
    } catch (e) {
      this.logger.error({ err: e }, `Could not send mail "${mail.subject}"`);
    }
  }
}
