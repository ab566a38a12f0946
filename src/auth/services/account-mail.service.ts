import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../../config/app.config.js';
import { EmailTokenPurpose } from '../entities/email-token.entity.js';
import type { User } from '../entities/user.entity.js';
import { Mailer } from '../mail/mailer.js';
import { EmailTokensService } from './email-tokens.service.js';
import { UsersService } from './users.service.js';

/**
 * The account mails themselves (verification link, password reset token), composed and sent by the `auth-mail`
 * worker. Addresses without an account, or accounts that need no mail, get nothing, and nobody can tell.
 */
@Injectable()
export class AccountMailService {
  private readonly publicUrl: string;

  constructor(
    private readonly users: UsersService,
    private readonly emailTokens: EmailTokensService,
    private readonly mailer: Mailer,
    appConfig: ConfigService,
  ) {
    this.publicUrl = appConfig.getOrThrow<AppConfig>('app').publicUrl.replace(/\/$/, '');
  }

  /** Returns whether a mail was sent. A failure to send throws, so the queue tries again. */
  async sendPasswordReset(email: string): Promise<boolean> {
    const user = await this.users.findByEmail(email);
    if (!user || !user.isActive || !user.email) return false;
    const token = await this.emailTokens.create(user.id, EmailTokenPurpose.PASSWORD_RESET);
    await this.mailer.send({
      to: user.email,
      subject: 'Reset your Terrawatch password',
      text:
        `Someone asked to reset the password of ${user.username}. If it was you, use this token within 24 hours:\n\n` +
        `${token}\n\nPOST ${this.publicUrl}/api/v1/auth/password-reset/confirm with {"token": "...", "password": "..."}.\n` +
        `If it was not you, ignore this mail.`,
    });
    return true;
  }

  /** By user id (sign-up, a changed address) or by address (a resend request). */
  async sendVerification(target: { userId: string } | { email: string }): Promise<boolean> {
    const user: User | null =
      'userId' in target
        ? await this.users.findById(target.userId)
        : await this.users.findByEmail(target.email);
    if (!user || !user.email || user.emailVerified || !user.isActive) return false;
    const token = await this.emailTokens.create(user.id, EmailTokenPurpose.VERIFY_EMAIL);
    await this.mailer.send({
      to: user.email,
      subject: 'Verify your Terrawatch email address',
      text: `Welcome, ${user.username}. Confirm your address within 24 hours:\n\n${this.publicUrl}/api/v1/auth/verify-email/${token}\n`,
    });
    return true;
  }
}
