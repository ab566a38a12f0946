import { DomainError } from '../common/errors/domain-error.js';

export enum ScansErrorCode {
  ACCOUNT_NOT_FOUND = 'ACCOUNT_NOT_FOUND',
  ACCOUNT_NAME_TAKEN = 'ACCOUNT_NAME_TAKEN',
  ACCOUNT_INACTIVE = 'ACCOUNT_INACTIVE',
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  INVALID_REGIONS = 'INVALID_REGIONS',
  INVALID_SCHEDULE = 'INVALID_SCHEDULE',
  PROVIDER_REJECTED_CREDENTIALS = 'PROVIDER_REJECTED_CREDENTIALS',
  PROVIDER_UNREACHABLE = 'PROVIDER_UNREACHABLE',
  SCAN_NOT_FOUND = 'SCAN_NOT_FOUND',
  SCAN_ALREADY_RUNNING = 'SCAN_ALREADY_RUNNING',
  RESOURCE_NOT_FOUND = 'RESOURCE_NOT_FOUND',
  RULE_NOT_FOUND = 'RULE_NOT_FOUND',
  INVALID_RULE_PARAMETERS = 'INVALID_RULE_PARAMETERS',
  PRICE_NOT_FOUND = 'PRICE_NOT_FOUND',
  CONVERSATION_NOT_FOUND = 'CONVERSATION_NOT_FOUND',
  CHAT_LIMIT_REACHED = 'CHAT_LIMIT_REACHED',
  ASSISTANT_NOT_CONFIGURED = 'ASSISTANT_NOT_CONFIGURED',
  CONFIRMATION_REQUIRED = 'CONFIRMATION_REQUIRED',
}

export class ScansError extends DomainError<ScansErrorCode> {
  get status(): number {
    switch (this.code) {
      case ScansErrorCode.ACCOUNT_INACTIVE:
      case ScansErrorCode.INVALID_CREDENTIALS:
      case ScansErrorCode.INVALID_REGIONS:
      case ScansErrorCode.INVALID_SCHEDULE:
      case ScansErrorCode.INVALID_RULE_PARAMETERS:
      case ScansErrorCode.CONFIRMATION_REQUIRED:
        return 400;
      case ScansErrorCode.PROVIDER_REJECTED_CREDENTIALS:
        return 422;
      case ScansErrorCode.ACCOUNT_NOT_FOUND:
      case ScansErrorCode.SCAN_NOT_FOUND:
      case ScansErrorCode.RESOURCE_NOT_FOUND:
      case ScansErrorCode.RULE_NOT_FOUND:
      case ScansErrorCode.PRICE_NOT_FOUND:
      case ScansErrorCode.CONVERSATION_NOT_FOUND:
        return 404;
      case ScansErrorCode.ACCOUNT_NAME_TAKEN:
      case ScansErrorCode.SCAN_ALREADY_RUNNING:
        return 409;
      case ScansErrorCode.CHAT_LIMIT_REACHED:
        return 429;
      case ScansErrorCode.PROVIDER_UNREACHABLE:
        return 502;
      case ScansErrorCode.ASSISTANT_NOT_CONFIGURED:
        return 503;
    }
  }
}
