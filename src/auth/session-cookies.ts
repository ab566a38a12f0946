import { Inject, Injectable } from '@nestjs/common';
import type { CookieOptions, Response } from 'express';
import { apiPath } from '../common/http/api-prefix.js';
import { authConfig, type AuthConfig } from './auth.config.js';
import type { TokenPair } from './services/tokens.service.js';
import { ACCESS_COOKIE, REFRESH_COOKIE } from './strategies/token-extractor.js';

const REFRESH_COOKIE_PATH = apiPath('auth');

/** The HttpOnly session cookies: set at sign-in and refresh, cleared at sign-out and when the account is erased. */
@Injectable()
export class SessionCookies {
  constructor(@Inject(authConfig.KEY) private readonly config: AuthConfig) {}

  set(res: Response, tokens: TokenPair): void {
    res.cookie(ACCESS_COOKIE, tokens.access_token, {
      ...this.options('/'),
      maxAge: tokens.expires_in * 1000,
    });
    res.cookie(REFRESH_COOKIE, tokens.refresh_token, {
      ...this.options(REFRESH_COOKIE_PATH),
      maxAge: tokens.refresh_expires_in * 1000,
    });
  }

  clear(res: Response): void {
    res.clearCookie(ACCESS_COOKIE, this.options('/'));
    res.clearCookie(REFRESH_COOKIE, this.options(REFRESH_COOKIE_PATH));
  }

  private options(path: string): CookieOptions {
    return { httpOnly: true, sameSite: 'lax', secure: this.config.cookieSecure, path };
  }
}
