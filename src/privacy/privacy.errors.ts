import { DomainError } from '../common/errors/domain-error.js';

export enum PrivacyErrorCode {
  /** `DELETE /me` without `{"confirm": "DELETE MY ACCOUNT"}`. */
  CONFIRMATION_REQUIRED = 'CONFIRMATION_REQUIRED',
  /** A constraint refused the erasure (something still references the user's data); nothing was erased. */
  ERASURE_BLOCKED = 'ERASURE_BLOCKED',
}

export class PrivacyError extends DomainError<PrivacyErrorCode> {
  get status(): number {
    switch (this.code) {
      case PrivacyErrorCode.CONFIRMATION_REQUIRED:
        return 400;
      case PrivacyErrorCode.ERASURE_BLOCKED:
        return 409;
    }
  }
}
