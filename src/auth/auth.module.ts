import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminUsersController } from './admin-users.controller.js';
import { AuthController } from './auth.controller.js';
import { UserCreateCommand } from './commands/user-create.command.js';
import { EmailToken } from './entities/email-token.entity.js';
import { RefreshToken } from './entities/refresh-token.entity.js';
import { User } from './entities/user.entity.js';
import { AccessGuard } from './guards/access.guard.js';
import { JwtAuthGuard } from './guards/jwt-auth.guard.js';
import { Mailer } from './mail/mailer.js';
import { AuthService } from './services/auth.service.js';
import { EmailTokensService } from './services/email-tokens.service.js';
import { SocketAuthenticator } from './services/socket-authenticator.js';
import { TokensService } from './services/tokens.service.js';
import { UsersService } from './services/users.service.js';
import { JwksStrategy } from './strategies/jwks.strategy.js';
import { JwtStrategy } from './strategies/jwt.strategy.js';

/** Users, sessions and access control. Other modules use `UsersService` and the decorators, nothing else. */
@Module({
  imports: [
    TypeOrmModule.forFeature([User, RefreshToken, EmailToken]),
    PassportModule,
    JwtModule.register({}),
  ],
  controllers: [AuthController, AdminUsersController],
  providers: [
    UsersService,
    TokensService,
    EmailTokensService,
    AuthService,
    Mailer,
    SocketAuthenticator,
    JwtStrategy,
    JwksStrategy,
    UserCreateCommand,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [UsersService, TokensService, SocketAuthenticator],
})
export class AuthModule {}
