import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UserDirectory } from '../../auth/index.js';
import { sqlstateOf } from '../../common/errors/database-errors.js';
import { exportDocument } from '../export-document.js';
import { PersonalDataRegistry } from '../personal-data.registry.js';
import { PrivacyError, PrivacyErrorCode } from '../privacy.errors.js';

export const ACCOUNT_DELETE_CONFIRMATION = 'DELETE MY ACCOUNT';

/** What `erase` did: per module, per table, the rows erased or detached. */
export interface ErasureReport {
  user_id: string;
  deleted: Record<string, Record<string, number>>;
}

/**
 * Export and erasure of a user across every module that registered its personal data (see `PersonalDataRegistry`).
 * The export is a generator of JSON text, written as it is read; the erasure is one transaction for all modules,
 * whose file removals run only after it committed.
 */
@Injectable()
export class PrivacyService {
  private readonly logger = new Logger('Privacy');

  constructor(
    private readonly registry: PersonalDataRegistry,
    private readonly users: UserDirectory,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Throws Auth's `USER_NOT_FOUND` (404): called before a response starts, while a status can still be sent. */
  async assertUser(userId: string): Promise<void> {
    await this.users.getById(userId);
  }

  /** The export document in pieces of JSON text, written as they are read (see `exportDocument`). */
  export(userId: string): AsyncGenerator<string> {
    return exportDocument(userId, this.registry.list(), new Date());
  }

  /** `DELETE /me`: the confirmation phrase, and the password when the account has one. */
  async eraseOwnAccount(
    userId: string,
    confirm: string,
    password: string | undefined,
  ): Promise<ErasureReport> {
    if (confirm !== ACCOUNT_DELETE_CONFIRMATION)
      throw new PrivacyError(
        PrivacyErrorCode.CONFIRMATION_REQUIRED,
        `Send {"confirm": "${ACCOUNT_DELETE_CONFIRMATION}"} (and your password) to erase your account`,
      );
    await this.users.confirmPassword(userId, password);
    return this.erase(userId, userId);
  }

  /**
   * Erases the user and everything of theirs in every module, in one transaction: if any module fails, nothing is
   * erased. Files go after the commit (a failure there is logged: the data that pointed to them is gone).
   */
  async erase(userId: string, by: string): Promise<ErasureReport> {
    const contributors = this.registry.list({ forErasure: true });
    let erasures;
    try {
      erasures = await this.dataSource.transaction(async (manager) => {
        for (const c of contributors) await c.lock?.(userId, manager);
        const done = [];
        for (const c of contributors) done.push({ name: c.name, erasure: await c.erase(userId, manager) });
        return done;
      });
    } catch (e) {
      if (sqlstateOf(e)?.startsWith('23')) {
        this.logger.warn({ err: e, userId, by }, 'Erasure refused by a constraint; nothing erased');
        throw new PrivacyError(
          PrivacyErrorCode.ERASURE_BLOCKED,
          'The erasure was refused by the database (other data still references this user); nothing was erased',
        );
      }
      throw e;
    }
    let cleanupFailures = 0;
    for (const { name, erasure } of erasures)
      for (const cleanup of erasure.afterCommit ?? [])
        await cleanup().catch((e: unknown) => {
          cleanupFailures += 1;
          this.logger.warn({ err: e, userId, module: name }, 'Could not remove a file of an erased user');
        });
    const deleted = Object.fromEntries(erasures.map(({ name, erasure }) => [name, erasure.counts]));
    this.logger.log({ userId, by, deleted, cleanupFailures }, 'User erased');
    return { user_id: userId, deleted };
  }
}
