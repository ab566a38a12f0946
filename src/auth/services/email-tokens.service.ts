import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { IsNull, MoreThan, Repository } from 'typeorm';
import { AuthError, AuthErrorCode } from '../auth.errors.js';
import { EmailToken, EmailTokenPurpose } from '../entities/email-token.entity.js';

const TTL_MS = 24 * 60 * 60 * 1000;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Single-use, 24-hour tokens for mail links; the database holds only their hashes. */
@Injectable()
export class EmailTokensService {
  constructor(@InjectRepository(EmailToken) private readonly tokens: Repository<EmailToken>) {}

  /** A new token; earlier unused ones of the same purpose stop working. */
  async create(userId: string, purpose: EmailTokenPurpose): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.tokens.update({ userId, purpose, usedAt: IsNull() }, { usedAt: new Date() });
    await this.tokens.insert({
      userId,
      purpose,
      tokenHash: sha256(token),
      expiresAt: new Date(Date.now() + TTL_MS),
    });
    return token;
  }

  /** Marks the token used and returns its user, or fails when it is unknown, used or expired. */
  async consume(token: string, purpose: EmailTokenPurpose): Promise<string> {
    const row = await this.tokens.findOne({
      where: { tokenHash: sha256(token), purpose, usedAt: IsNull(), expiresAt: MoreThan(new Date()) },
    });
    const claimed =
      row && (await this.tokens.update({ id: row.id, usedAt: IsNull() }, { usedAt: new Date() })).affected;
    if (!row || !claimed)
      throw new AuthError(AuthErrorCode.INVALID_EMAIL_TOKEN, 'This link is invalid, expired or already used');
    return row.userId;
  }
}
