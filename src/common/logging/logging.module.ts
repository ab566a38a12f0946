import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppConfig } from '../../config/app.config.js';
import { acceptRequestId, currentRequestId, REQUEST_ID_HEADER } from '../context/request-context.js';

/** Paths whose values never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.access_token',
  '*.refresh_token',
  '*.token',
  '*.secret',
  '*.credentials',
  '*.apiKey',
];

type LoggedRequest = IncomingMessage & { user?: { id?: string }; originalUrl?: string };

/** JSON logs (or pretty ones in development) with the correlation id on every line and secrets redacted. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      // nestjs-pino 4 types these as required against Nest 12's ModuleMetadata
      imports: [],
      providers: [],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => {
        const app = config.getOrThrow<AppConfig>('app');
        return {
          pinoHttp: {
            level: app.logLevel,
            transport:
              app.logFormat === 'pretty'
                ? { target: 'pino-pretty', options: { singleLine: true } }
                : undefined,
            redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
            genReqId: (req: LoggedRequest, res: ServerResponse) => {
              // Set by the first middleware of the app (see app.setup.ts); accepted from the header otherwise.
              const set = (req as { id?: unknown }).id;
              const id = typeof set === 'string' ? set : acceptRequestId(req.headers[REQUEST_ID_HEADER]);
              res.setHeader('X-Request-ID', id);
              return id;
            },
            mixin: () => {
              const requestId = currentRequestId();
              return requestId ? { requestId } : {};
            },
            customAttributeKeys: { responseTime: 'duration_ms', reqId: 'requestId' },
            serializers: {
              req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
            customSuccessObject: (
              req: LoggedRequest,
              res: ServerResponse,
              value: Record<string, unknown>,
            ) => ({
              ...value,
              method: req.method,
              path: (req.originalUrl ?? req.url ?? '').split('?')[0],
              status: res.statusCode,
              user_id: req.user?.id ?? null,
            }),
            customErrorObject: (
              req: LoggedRequest,
              res: ServerResponse,
              _err: Error,
              value: Record<string, unknown>,
            ) => ({
              ...value,
              method: req.method,
              path: (req.originalUrl ?? req.url ?? '').split('?')[0],
              status: res.statusCode,
              user_id: req.user?.id ?? null,
            }),
            customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
              err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
            autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' },
          },
        };
      },
    }),
  ],
})
export class LoggingModule {}
