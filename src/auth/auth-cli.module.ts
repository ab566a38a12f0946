import { Module } from '@nestjs/common';
import { AuthCoreModule } from './auth-core.module.js';
import { DemoSeedCommand } from './commands/demo-seed.command.js';
import { UserCreateCommand } from './commands/user-create.command.js';

/** Auth's commands (`user:create`, `demo:seed`) for the CLI. */
@Module({
  imports: [AuthCoreModule],
  providers: [UserCreateCommand, DemoSeedCommand],
})
export class AuthCliModule {}
