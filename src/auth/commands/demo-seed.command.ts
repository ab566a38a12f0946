import { Inject } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Command, CommandRunner } from 'nest-commander';
import { authConfig, type AuthConfig } from '../auth.config.js';
import { Role } from '../roles.js';
import { UsersService } from '../services/users.service.js';
import { AppConfig } from '../../config/app.config.js';

/** Demo data for the quick start; refuses to run in production. */
@Command({ name: 'demo:seed', description: 'Create the DEMO_USER admin (if absent) and other demo data' })
export class DemoSeedCommand extends CommandRunner {
  constructor(
    private readonly users: UsersService,
    @Inject(authConfig.KEY) private readonly auth: AuthConfig,
    private readonly config: ConfigService,
  ) {
    super();
  }

  async run(): Promise<void> {
    if (!this.config.getOrThrow<AppConfig>('app').demoDataAllowed)
      throw new Error('demo:seed does not run in production (unless DEMO_DATA=true, for a demo deployment)');
    const demo = this.auth.demo;
    if (!demo) throw new Error('Set DEMO_USER (an email) and DEMO_PASS to seed the demo admin');
    const existing = await this.users.findByEmail(demo.email);
    if (existing) {
      console.log(`Demo admin ${demo.email} already exists`);
      return;
    }
    await this.users.create({
      email: demo.email,
      username: demo.email.split('@')[0].replace(/[^A-Za-z0-9._-]/g, '_'),
      password: demo.password,
      role: Role.ADMIN,
      groups: ['uploader', 'editor', 'ingest'],
      emailVerified: true,
    });
    console.log(`Created demo admin ${demo.email}`);
  }
}
