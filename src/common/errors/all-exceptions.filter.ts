import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { acceptRequestId, currentRequestId, REQUEST_ID_HEADER } from '../context/request-context.js';
import { isDatabaseUnavailable, isRefusedValue } from './database-errors.js';
import { CommonErrorCode, DomainError } from './domain-error.js';
import type { ErrorBody } from './error-body.js';
import { ErrorReporter } from './error-reporter.js';

/** body-parser's and send's errors (http-errors): a status, and `expose` when the message is meant for the client. */
interface BodyParserError extends Error {
  type?: string;
  status?: number;
  expose?: boolean;
  headers?: Record<string, string>;
}

const STATUS_CODES: Record<number, CommonErrorCode> = {
  400: CommonErrorCode.BAD_REQUEST,
  401: CommonErrorCode.UNAUTHORIZED,
  403: CommonErrorCode.FORBIDDEN,
  404: CommonErrorCode.NOT_FOUND,
  409: CommonErrorCode.CONFLICT,
  413: CommonErrorCode.PAYLOAD_TOO_LARGE,
  415: CommonErrorCode.UNSUPPORTED_MEDIA_TYPE,
  416: CommonErrorCode.RANGE_NOT_SATISFIABLE,
  429: CommonErrorCode.RATE_LIMITED,
  502: CommonErrorCode.BAD_GATEWAY,
  503: CommonErrorCode.SERVICE_UNAVAILABLE,
};

/** What a client is told to wait before trying again while the database is unavailable. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * The one place where errors become HTTP responses: domain errors keep their code and status, framework errors
 * get a stable code, an unreachable database is a 503, and anything unexpected is a 500 with a generic message,
 * reported (logged with its stack and the request id, and sent to Sentry when configured). Socket events have
 * their own filter (`WsErrorsFilter`); the MQTT transport reports its handlers' errors itself.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionFilter');

  constructor(private readonly reporter: ErrorReporter) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') {
      this.reporter.report(exception, { context: 'process', tags: { host: host.getType() } });
      return;
    }
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request & { id?: string }>();
    const res = ctx.getResponse<Response>();
    const requestId = currentRequestId() ?? req.id ?? acceptRequestId(req.headers[REQUEST_ID_HEADER]);
    const { body, headers } = this.toBody(exception, requestId);

    if (body.statusCode >= 500)
      this.reporter.report(exception, {
        context: 'http',
        correlationId: requestId,
        tags: { method: req.method, path: (req.originalUrl ?? req.url ?? '').split('?')[0] },
        message: body.code === CommonErrorCode.INTERNAL_ERROR ? 'Unhandled error' : body.message,
      });
    if (res.headersSent) return;
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.setHeader('X-Request-ID', requestId);
    // A route that failed after setting up a file answer (type, disposition, ETag) still answers JSON.
    for (const header of ['Content-Disposition', 'ETag', 'Last-Modified', 'Cache-Control'])
      res.removeHeader(header);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.status(body.statusCode).json(body);
  }

  private toBody(
    exception: unknown,
    requestId: string,
  ): { body: ErrorBody; headers: Record<string, string> } {
    if (exception instanceof DomainError) {
      return {
        body: {
          statusCode: exception.status,
          code: exception.code,
          message: exception.message,
          requestId,
          details: exception.details,
        },
        headers: exception.headers,
      };
    }
    if (exception instanceof ThrottlerException) {
      return {
        body: {
          statusCode: 429,
          code: CommonErrorCode.RATE_LIMITED,
          message: 'Too many requests, slow down',
          requestId,
        },
        headers: {},
      };
    }
    if (isDatabaseUnavailable(exception)) {
      // Not the caller's fault, and not a bug: the database is restarting or unreachable.
      return {
        body: {
          statusCode: 503,
          code: CommonErrorCode.SERVICE_UNAVAILABLE,
          message: 'The database is unavailable; try again shortly',
          requestId,
        },
        headers: { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) },
      };
    }
    if (isRefusedValue(exception)) {
      // A value that slipped past validation and that PostgreSQL refuses as data: the request's fault, said so.
      this.logger.warn({ err: exception, requestId }, 'A request value was refused by the database');
      return {
        body: {
          statusCode: 400,
          code: CommonErrorCode.BAD_REQUEST,
          message:
            'A value in the request cannot be stored or compared (wrong type, out of range or bad text)',
          requestId,
        },
        headers: {},
      };
    }
    const parsed =
      this.fromBodyParser(exception, requestId) ??
      this.fromBodyParser((exception as { cause?: unknown })?.cause, requestId);
    if (parsed) return parsed;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const message =
        typeof response === 'string'
          ? response
          : Array.isArray((response as { message?: unknown }).message)
            ? (response as { message: string[] }).message.join('; ')
            : String((response as { message?: unknown }).message ?? exception.message);
      const code =
        status >= 500
          ? CommonErrorCode.INTERNAL_ERROR
          : (STATUS_CODES[status] ?? CommonErrorCode.BAD_REQUEST);
      return {
        body: {
          statusCode: status,
          code,
          message: status >= 500 ? 'Internal server error' : message,
          requestId,
        },
        headers: {},
      };
    }
    return {
      body: {
        statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
        code: CommonErrorCode.INTERNAL_ERROR,
        message: 'Internal server error',
        requestId,
      },
      headers: {},
    };
  }

  /** body-parser's and send's (file responses) errors, raw or wrapped by the Express adapter. */
  private fromBodyParser(
    exception: unknown,
    requestId: string,
  ): { body: ErrorBody; headers: Record<string, string> } | undefined {
    const parserError = exception as BodyParserError | undefined;
    if (parserError?.type === 'entity.parse.failed') {
      return {
        body: {
          statusCode: 400,
          code: CommonErrorCode.MALFORMED_JSON,
          message: 'Request body is not valid JSON',
          requestId,
        },
        headers: {},
      };
    }
    if (parserError?.type === 'entity.too.large') {
      return {
        body: {
          statusCode: 413,
          code: CommonErrorCode.PAYLOAD_TOO_LARGE,
          message: 'Request body is too large',
          requestId,
        },
        headers: {},
      };
    }
    if ((parserError?.type || parserError?.expose) && parserError.status && parserError.status < 500) {
      const status = parserError.status;
      return {
        body: {
          statusCode: status,
          code: STATUS_CODES[status] ?? CommonErrorCode.BAD_REQUEST,
          message:
            status === 416
              ? 'The requested byte range is not satisfiable for this file'
              : parserError.message,
          requestId,
        },
        // e.g. the Content-Range of a 416 (`bytes */<size>`)
        headers: { ...parserError.headers },
      };
    }
    return undefined;
  }
}
