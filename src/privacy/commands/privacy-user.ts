import { CommandRunner } from 'nest-commander';
import type { UserDirectory } from '../../auth/index.js';
import type { PrivacyService } from '../services/privacy.service.js';

/** What the privacy commands share: the service, and the user named by `--user EMAIL`. */
export abstract class PrivacyUserCommand extends CommandRunner {
  constructor(
    protected readonly privacy: PrivacyService,
    private readonly users: UserDirectory,
  ) {
    super();
  }

  /** The id of the user with `email`; a clear error when there is none. */
  protected async userIdOf(email: string | undefined): Promise<string> {
    if (!email) throw new Error('--user EMAIL is required');
    const user = await this.users.findByEmail(email);
    if (!user) throw new Error(`No user with email ${email}`);
    return user.id;
  }
}
