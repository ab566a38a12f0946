import { Body, Controller, Get, HttpCode, Param, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCookieAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ErrorBody } from '../common/errors/error-body.js';
import { RateLimit } from '../common/throttling/rate-limit.guards.js';
import { AuthRateLimit } from './auth.rate-limits.js';
import { AuthError, AuthErrorCode } from './auth.errors.js';
import type { AuthUser } from './auth-user.js';
import { CurrentUser } from './decorators/current-user.decorator.js';
import { Public } from './decorators/public.decorator.js';
import {
  ConfirmPasswordResetDto,
  EmailDto,
  LoginDto,
  RefreshDto,
  RegisterDto,
  UpdateMeDto,
} from './dto/auth.dto.js';
import { LoginResponseDto, MessageDto, TokenPairDto, UserDto } from './dto/user.dto.js';
import { AuthService } from './services/auth.service.js';
import { UsersService } from './services/users.service.js';
import { SessionCookies } from './session-cookies.js';
import { REFRESH_COOKIE } from './strategies/token-extractor.js';

@ApiTags('auth')
@ApiResponse({ status: 400, type: ErrorBody, description: 'Invalid input' })
@ApiResponse({ status: 429, type: ErrorBody, description: 'Rate limited; see Retry-After' })
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly cookies: SessionCookies,
  ) {}

  @Post('register')
  @Public()
  @RateLimit(AuthRateLimit.REGISTER)
  @ApiOperation({
    summary:
      'Create an account (a verification mail is sent); without a username, one is derived from the email',
  })
  @ApiResponse({ status: 201, type: UserDto })
  @ApiResponse({ status: 409, type: ErrorBody, description: 'Email or username taken' })
  async register(@Body() dto: RegisterDto): Promise<UserDto> {
    const { email, username, password, full_name } = dto;
    return UserDto.from(await this.auth.register({ email, username, password, fullName: full_name }));
  }

  @Post('login')
  @Public()
  @HttpCode(200)
  @RateLimit(AuthRateLimit.LOGIN)
  @ApiOperation({ summary: 'Sign in with email or username; also sets HttpOnly cookies' })
  @ApiResponse({ status: 200, type: LoginResponseDto })
  @ApiResponse({ status: 401, type: ErrorBody })
  @ApiResponse({ status: 403, type: ErrorBody, description: 'Account disabled or email not verified' })
  async login(@Body() dto: LoginDto, @Res({ passthrough: true }) res: Response): Promise<LoginResponseDto> {
    const { user, tokens } = await this.auth.login(dto);
    this.cookies.set(res, tokens);
    return { ...tokens, user: UserDto.from(user) };
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @RateLimit(AuthRateLimit.REFRESH)
  @ApiOperation({
    summary: 'Rotate a refresh token (body or cookie); a reused token revokes its whole family',
  })
  @ApiResponse({ status: 200, type: TokenPairDto })
  @ApiResponse({ status: 401, type: ErrorBody })
  async refresh(
    @Body() dto: RefreshDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TokenPairDto> {
    const token = dto.refresh_token ?? (req.cookies?.[REFRESH_COOKIE] as string | undefined);
    if (!token)
      throw new AuthError(
        AuthErrorCode.INVALID_TOKEN,
        'No refresh token in the body or the refresh_token cookie',
      );
    const tokens = await this.auth.refresh(token);
    this.cookies.set(res, tokens);
    return tokens;
  }

  @Post('logout')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke the refresh token (body or cookie) and clear the cookies' })
  @ApiResponse({ status: 200, type: MessageDto })
  async logout(
    @Body() dto: RefreshDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MessageDto> {
    await this.auth.logout(dto.refresh_token ?? (req.cookies?.[REFRESH_COOKIE] as string | undefined));
    this.cookies.clear(res);
    return { message: 'Signed out' };
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiCookieAuth()
  @ApiOperation({ summary: 'The caller' })
  @ApiResponse({ status: 200, type: UserDto })
  @ApiResponse({ status: 401, type: ErrorBody })
  async me(@CurrentUser() user: AuthUser): Promise<UserDto> {
    return UserDto.from(await this.users.getById(user.id));
  }

  @Patch('me')
  @ApiBearerAuth()
  @ApiCookieAuth()
  @ApiOperation({
    summary: 'Change username, full name, email (verified again) or password (needs currentPassword)',
  })
  @ApiResponse({ status: 200, type: UserDto })
  @ApiResponse({ status: 409, type: ErrorBody })
  async updateMe(@CurrentUser() user: AuthUser, @Body() dto: UpdateMeDto): Promise<UserDto> {
    const { full_name, ...changes } = dto;
    return UserDto.from(await this.auth.updateProfile(user.id, { ...changes, fullName: full_name }));
  }

  @Get('verify-email/:token')
  @Public()
  @ApiOperation({ summary: 'Confirm an email address with the token from the mail' })
  @ApiResponse({ status: 200, type: UserDto })
  @ApiResponse({ status: 400, type: ErrorBody, description: 'Invalid, expired or used token' })
  async verifyEmail(@Param('token') token: string): Promise<UserDto> {
    if (token.length > 200)
      throw new AuthError(AuthErrorCode.INVALID_EMAIL_TOKEN, 'This link is invalid, expired or already used');
    return UserDto.from(await this.auth.verifyEmail(token));
  }

  @Post('resend-verification')
  @Public()
  @HttpCode(202)
  @RateLimit(AuthRateLimit.REGISTER)
  @ApiOperation({ summary: 'Send the verification mail again (always 202)' })
  @ApiBody({ type: EmailDto })
  @ApiResponse({ status: 202, type: MessageDto })
  async resendVerification(@Body() dto: EmailDto): Promise<MessageDto> {
    await this.auth.resendVerification(dto.email);
    return { message: 'If that address belongs to an unverified account, a mail is on its way' };
  }

  @Post('password-reset')
  @Public()
  @HttpCode(202)
  @RateLimit(AuthRateLimit.REGISTER)
  @ApiOperation({
    summary: 'Mail a password-reset token (always 202, never says whether the address exists)',
  })
  @ApiResponse({ status: 202, type: MessageDto })
  async passwordReset(@Body() dto: EmailDto): Promise<MessageDto> {
    await this.auth.requestPasswordReset(dto.email);
    return { message: 'If that address belongs to an account, a reset mail is on its way' };
  }

  @Post('password-reset/confirm')
  @Public()
  @HttpCode(200)
  @RateLimit(AuthRateLimit.LOGIN)
  @ApiOperation({ summary: 'Set a new password with the mailed token; signs out every session' })
  @ApiResponse({ status: 200, type: MessageDto })
  @ApiResponse({ status: 400, type: ErrorBody })
  async confirmPasswordReset(@Body() dto: ConfirmPasswordResetDto): Promise<MessageDto> {
    await this.auth.confirmPasswordReset(dto.token, dto.password);
    return { message: 'Password changed; sign in again' };
  }
}
