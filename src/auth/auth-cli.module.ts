import { Module } from '@nestjs/common';
import { AuthModule } from './auth.module.js';
import { DemoSeedCommand } from './commands/demo-seed.command.js';
import { UserCreateCommand } from './commands/user-create.command.js';

/** Auth's commands (`user:create`, `demo:seed`) for the CLI. */
@Module({
  imports: [AuthModule],
  providers: [UserCreateCommand, DemoSeedCommand],
})
export class AuthCliModule {}
