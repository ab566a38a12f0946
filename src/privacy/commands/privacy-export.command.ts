import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Command, Option } from 'nest-commander';
import { UserDirectory } from '../../auth/index.js';
import { PrivacyService } from '../services/privacy.service.js';
import { PrivacyUserCommand } from './privacy-user.js';

interface Options {
  user?: string;
  out?: string;
}

/** `privacy:export --user EMAIL [--out FILE]`: the same document as `GET /me/export`, streamed to a file or stdout. */
@Command({
  name: 'privacy:export',
  description:
    'Everything held about a user, as GET /me/export writes it: --user EMAIL [--out FILE, default stdout]',
})
export class PrivacyExportCommand extends PrivacyUserCommand {
  constructor(privacy: PrivacyService, users: UserDirectory) {
    super(privacy, users);
  }

  async run(_args: string[], options: Options): Promise<void> {
    const userId = await this.userIdOf(options.user);
    const document = Readable.from(this.privacy.export(userId));
    if (options.out) await pipeline(document, createWriteStream(options.out));
    else await pipeline(document, process.stdout, { end: false });
  }

  @Option({ flags: '--user <email>', required: true, description: 'the user whose data is exported' })
  parseUser(value: string): string {
    return value;
  }

  @Option({ flags: '--out <file>', description: 'write to this file instead of stdout' })
  parseOut(value: string): string {
    return value;
  }
}
