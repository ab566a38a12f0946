import { BullModule } from '@nestjs/bull';
import { Module, type OnModuleInit } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PersonalDataRegistry } from '../privacy/index.js';
import { PrivacyCoreModule } from '../privacy/privacy-core.module.js';
import { AUTH_MAIL_QUEUE, AuthMailQueue } from './auth.queue.js';
import { AUTH_ENTITIES } from './entities/index.js';
import { Mailer } from './mail/mailer.js';
import { SessionCookies } from './session-cookies.js';
import { AccountMailService } from './services/account-mail.service.js';
import { AuthPersonalData } from './services/auth-personal-data.js';
import { AuthService } from './services/auth.service.js';
import { EmailTokensService } from './services/email-tokens.service.js';
import { SocketAuthenticator } from './services/socket-authenticator.js';
import { TokensService } from './services/tokens.service.js';
import { UserDirectory } from './services/user-directory.js';
import { UsersService } from './services/users.service.js';
import { JwksStrategy } from './strategies/jwks.strategy.js';
import { JwtStrategy } from './strategies/jwt.strategy.js';

const PROVIDERS = [
  UsersService,
  TokensService,
  EmailTokensService,
  AuthService,
  AuthMailQueue,
  AccountMailService,
  Mailer,
  SocketAuthenticator,
  UserDirectory,
  SessionCookies,
];

/**
 * Users, sessions and their mails: the services without the routes, the guards or the mail worker, for the HTTP app
 * (through `AuthModule`) and the CLI alike. Other modules use what `auth/index.ts` exports (ESLint keeps the rest
 * internal).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature(AUTH_ENTITIES),
    BullModule.registerQueue({ name: AUTH_MAIL_QUEUE.name }),
    PassportModule,
    JwtModule.register({}),
    PrivacyCoreModule,
  ],
  providers: [...PROVIDERS, JwtStrategy, JwksStrategy, AuthPersonalData],
  exports: PROVIDERS,
})
export class AuthCoreModule implements OnModuleInit {
  constructor(
    private readonly personalData: PersonalDataRegistry,
    private readonly account: AuthPersonalData,
  ) {}

  onModuleInit(): void {
    this.personalData.register(this.account);
  }
}
