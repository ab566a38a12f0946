import { Command, CommandRunner, Option } from 'nest-commander';
import { Role } from '../roles.js';
import { UsersService } from '../services/users.service.js';

interface Options {
  email: string;
  username: string;
  password: string;
  role?: Role;
  groups?: string[];
}

@Command({
  name: 'user:create',
  description: 'Create a user (verified email): --email --username --password [--role] [--groups a,b]',
})
export class UserCreateCommand extends CommandRunner {
  constructor(private readonly users: UsersService) {
    super();
  }

  async run(_args: string[], options: Options): Promise<void> {
    for (const required of ['email', 'username', 'password'] as const) {
      if (!options[required]) throw new Error(`--${required} is required`);
    }
    if (options.password.length < 8) throw new Error('--password must be at least 8 characters');
    if (options.role && !Object.values(Role).includes(options.role)) {
      throw new Error(`--role must be one of ${Object.values(Role).join(', ')}`);
    }
    const user = await this.users.create({ ...options, emailVerified: true });
    console.log(
      `Created ${user.role} ${user.username} <${user.email}> id=${user.id} groups=[${user.groups.join(',')}]`,
    );
  }

  @Option({ flags: '--email <email>', required: true })
  parseEmail(value: string): string {
    return value;
  }

  @Option({ flags: '--username <username>', required: true })
  parseUsername(value: string): string {
    return value;
  }

  @Option({ flags: '--password <password>', required: true })
  parsePassword(value: string): string {
    return value;
  }

  @Option({ flags: '--role <role>', description: `one of ${Object.values(Role).join(', ')}` })
  parseRole(value: string): Role {
    if (!Object.values(Role).includes(value as Role))
      throw new Error(`--role must be one of ${Object.values(Role).join(', ')}`);
    return value as Role;
  }

  @Option({ flags: '--groups <groups>', description: 'comma-separated' })
  parseGroups(value: string): string[] {
    return value
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean);
  }
}
