/**
 * Base class of every error a service throws on purpose. Services never throw HTTP exceptions: the same service
 * serves HTTP, MQTT, jobs and the CLI. Each module subclasses this with its own code enum and maps every code to an
 * HTTP status in one exhaustive switch; the global filter turns it into `{statusCode, code, message, requestId}`.
 */
export abstract class DomainError<C extends string = string> extends Error {
  abstract readonly status: number;
  /** Extra response headers, such as `Retry-After`. */
  readonly headers: Record<string, string> = {};

  constructor(
    readonly code: C,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Codes the platform itself raises, outside any one module. */
export enum CommonErrorCode {
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  BAD_REQUEST = 'BAD_REQUEST',
  MALFORMED_JSON = 'MALFORMED_JSON',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  RANGE_NOT_SATISFIABLE = 'RANGE_NOT_SATISFIABLE',
  UNAUTHORIZED = 'UNAUTHORIZED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  RATE_LIMITED = 'RATE_LIMITED',
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  BAD_GATEWAY = 'BAD_GATEWAY',
  INTERNAL_ERROR = 'INTERNAL_ERROR',
}

export class CommonError extends DomainError<CommonErrorCode> {
  get status(): number {
    switch (this.code) {
      case CommonErrorCode.VALIDATION_FAILED:
      case CommonErrorCode.BAD_REQUEST:
      case CommonErrorCode.MALFORMED_JSON:
        return 400;
      case CommonErrorCode.UNAUTHORIZED:
        return 401;
      case CommonErrorCode.FORBIDDEN:
        return 403;
      case CommonErrorCode.NOT_FOUND:
        return 404;
      case CommonErrorCode.CONFLICT:
        return 409;
      case CommonErrorCode.PAYLOAD_TOO_LARGE:
        return 413;
      case CommonErrorCode.UNSUPPORTED_MEDIA_TYPE:
        return 415;
      case CommonErrorCode.RANGE_NOT_SATISFIABLE:
        return 416;
      case CommonErrorCode.RATE_LIMITED:
        return 429;
      case CommonErrorCode.INTERNAL_ERROR:
        return 500;
      case CommonErrorCode.BAD_GATEWAY:
        return 502;
      case CommonErrorCode.SERVICE_UNAVAILABLE:
        return 503;
    }
  }
}

/** One entry per bad field of a request. */
export interface FieldProblem {
  field: string;
  problems: string[];
}
