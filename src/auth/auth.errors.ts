import { DomainError } from '../common/errors/domain-error.js';

export enum AuthErrorCode {
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  INVALID_TOKEN = 'INVALID_TOKEN',
  TOKEN_REUSED = 'TOKEN_REUSED',
  ACCOUNT_DISABLED = 'ACCOUNT_DISABLED',
  EMAIL_NOT_VERIFIED = 'EMAIL_NOT_VERIFIED',
  EMAIL_TAKEN = 'EMAIL_TAKEN',
  USERNAME_TAKEN = 'USERNAME_TAKEN',
  FORBIDDEN_ROLE = 'FORBIDDEN_ROLE',
  FORBIDDEN_GROUP = 'FORBIDDEN_GROUP',
  USER_NOT_FOUND = 'USER_NOT_FOUND',
  WRONG_PASSWORD = 'WRONG_PASSWORD',
  INVALID_EMAIL_TOKEN = 'INVALID_EMAIL_TOKEN',
  NOT_ALLOWED = 'NOT_ALLOWED',
  /** The access_token cookie came with the Origin of a page that CORS_ORIGINS does not allow. */
  ORIGIN_NOT_ALLOWED = 'ORIGIN_NOT_ALLOWED',
  /** Erasing this account would leave no active admin. */
  LAST_ADMIN = 'LAST_ADMIN',
}

export class AuthError extends DomainError<AuthErrorCode> {
  get status(): number {
    switch (this.code) {
      case AuthErrorCode.INVALID_EMAIL_TOKEN:
      case AuthErrorCode.WRONG_PASSWORD:
        return 400;
      case AuthErrorCode.INVALID_CREDENTIALS:
      case AuthErrorCode.UNAUTHENTICATED:
      case AuthErrorCode.INVALID_TOKEN:
      case AuthErrorCode.TOKEN_REUSED:
        return 401;
      case AuthErrorCode.ACCOUNT_DISABLED:
      case AuthErrorCode.EMAIL_NOT_VERIFIED:
      case AuthErrorCode.FORBIDDEN_ROLE:
      case AuthErrorCode.FORBIDDEN_GROUP:
      case AuthErrorCode.NOT_ALLOWED:
      case AuthErrorCode.ORIGIN_NOT_ALLOWED:
        return 403;
      case AuthErrorCode.USER_NOT_FOUND:
        return 404;
      case AuthErrorCode.EMAIL_TAKEN:
      case AuthErrorCode.USERNAME_TAKEN:
      case AuthErrorCode.LAST_ADMIN:
        return 409;
    }
  }
}
