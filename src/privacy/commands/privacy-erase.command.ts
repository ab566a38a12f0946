import { Command, Option } from 'nest-commander';
import { UserDirectory } from '../../auth/index.js';
import { PrivacyError, PrivacyErrorCode } from '../privacy.errors.js';
import { PrivacyService } from '../services/privacy.service.js';
import { PrivacyUserCommand } from './privacy-user.js';

interface Options {
  user?: string;
  yes?: boolean;
}

/**
 * `privacy:erase --user EMAIL --yes`: what `DELETE /admin/users/{id}` does (one transaction across modules, files
 * after the commit, never the last active admin). Open sockets are closed only by the app (the CLI holds none).
 */
@Command({
  name: 'privacy:erase',
  description: 'Erase a user and everything of theirs in every module: --user EMAIL --yes',
})
export class PrivacyEraseCommand extends PrivacyUserCommand {
  constructor(privacy: PrivacyService, users: UserDirectory) {
    super(privacy, users);
  }

  async run(_args: string[], options: Options): Promise<void> {
    const userId = await this.userIdOf(options.user);
    if (!options.yes)
      throw new PrivacyError(
        PrivacyErrorCode.CONFIRMATION_REQUIRED,
        `Nothing erased: add --yes to erase ${options.user} and all of their data`,
      );
    const report = await this.privacy.erase(userId, 'cli');
    console.log(JSON.stringify(report));
  }

  @Option({ flags: '--user <email>', required: true, description: 'the user to erase' })
  parseUser(value: string): string {
    return value;
  }

  @Option({ flags: '--yes', description: 'confirm: the erasure cannot be undone' })
  parseYes(): boolean {
    return true;
  }
}
