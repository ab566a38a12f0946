import { Command, CommandRunner } from 'nest-commander';
import { AccountsService } from '../services/accounts.service.js';

/**
 * Key rotation: set the new key as ENCRYPTION_KEY with a new ENCRYPTION_KEY_ID, keep the old one in
 * ENCRYPTION_PREVIOUS_KEYS (`oldid:oldkey`), run this, then drop the old key.
 */
@Command({
  name: 'accounts:rotate-key',
  description:
    'Re-encrypt every cloud account credential under the current ENCRYPTION_KEY / ENCRYPTION_KEY_ID',
})
export class AccountsRotateKeyCommand extends CommandRunner {
  constructor(private readonly accounts: AccountsService) {
    super();
  }

  async run(): Promise<void> {
    const before = await this.accounts.countByKeyId();
    console.log(`Before: ${before.map((k) => `${k.key_id}=${k.accounts}`).join(', ') || 'no accounts'}`);
    const { rotated, failed } = await this.accounts.rotateKeys();
    const after = await this.accounts.countByKeyId();
    console.log(`Re-encrypted ${rotated} account(s)`);
    console.log(`After: ${after.map((k) => `${k.key_id}=${k.accounts}`).join(', ') || 'no accounts'}`);
    if (failed.length > 0) {
      console.error(`Could not re-encrypt ${failed.length} account(s):\n  ${failed.join('\n  ')}`);
      process.exitCode = 1;
    }
  }
}
