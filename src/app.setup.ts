import { INestApplication, RequestMethod } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { acceptRequestId, REQUEST_ID_HEADER, runWithRequestId } from './common/context/request-context.js';
import { CommonErrorCode } from './common/errors/domain-error.js';
import type { ErrorBody } from './common/errors/error-body.js';
import { createValidationPipe } from './common/errors/validation.js';
import { API_PREFIX } from './common/http/api-prefix.js';
import { inputGuard } from './common/http/input-guard.js';
import { AppConfig } from './config/app.config.js';
import { serveConsole } from './console/console-static.js';
import { HttpMetrics } from './metrics/index.js';
import { RedisIoAdapter } from './realtime/redis-io.adapter.js';

/**
 * Everything about the HTTP app that is not a module: shared by `main.ts` and the e2e tests, so the tests exercise
 * exactly what production runs.
 */
export function setupApp(app: NestExpressApplication): INestApplication {
  const config = app.get(ConfigService).getOrThrow<AppConfig>('app');
  app.useLogger(app.get(Logger));
  // First of all, so a request's measured duration includes every other middleware (body parsing too).
  const httpMetrics = app.get(HttpMetrics);
  if (httpMetrics.enabled) app.use(httpMetrics.track);
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // The correlation id is fixed before anything else runs, so every later middleware and log line sees it.
  app.use((req: Request & { id?: string }, res: Response, next: NextFunction) => {
    req.id = acceptRequestId(req.headers[REQUEST_ID_HEADER]);
    res.setHeader('X-Request-ID', req.id);
    runWithRequestId(req.id, next);
  });
  app.use(
    helmet({
      // The console and the API docs load only their own scripts; maps draw tiles and canvases from blobs and data
      // URLs; Socket.IO connects to the same origin. No upgrade-insecure-requests: plain HTTP on localhost is normal.
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'img-src': ["'self'", 'data:', 'blob:'],
          'worker-src': ["'self'", 'blob:'],
          'connect-src': ["'self'"],
          'frame-ancestors': ["'none'"],
          'upgrade-insecure-requests': null,
        },
      },
      crossOriginResourcePolicy: { policy: 'cross-origin' },
    }),
  );
  // One CORS policy for the API and Socket.IO's polling transport.
  const cors = { origin: config.corsOrigins, credentials: true };
  app.enableCors({ ...cors, exposedHeaders: ['X-Request-ID', 'Retry-After', 'ETag'] });
  app.use(cookieParser());
  app.useBodyParser('json', { limit: config.bodyLimit });
  app.useBodyParser('urlencoded', { limit: config.bodyLimit, extended: false });
  // NUL characters and absurd nesting are refused here, once, for every route.
  app.use(inputGuard);
  app.useGlobalPipes(createValidationPipe());
  // Probes and the scrape endpoint stay at the root, where orchestrators and Prometheus look for them.
  app.setGlobalPrefix(API_PREFIX, {
    exclude: ['health', 'health/live', 'health/ready', 'metrics'].map((path) => ({
      path,
      method: RequestMethod.GET,
    })),
  });
  app.useWebSocketAdapter(new RedisIoAdapter(app, cors));
  // The web console (dist/web) at `/`, same origin as the API, so its HttpOnly cookies authenticate everything.
  serveConsole(app);
  app.enableShutdownHooks();

  // The API's map is for developers; production shows it only when SWAGGER_ENABLED=true says so.
  if (config.swaggerEnabled) {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Terrawatch API')
        .setDescription(
          'One backend for field data. Every error body is {statusCode, code, message, requestId}. ' +
            'Authenticate with a bearer token from /api/v1/auth/login or with the access_token cookie it sets.',
        )
        .setVersion(process.env.npm_package_version ?? '0.1.0')
        .addBearerAuth()
        .addCookieAuth('access_token')
        .build(),
    );
    SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  }
  return app;
}

/**
 * Once the routes are registered (after `app.init()`): a request no route took, outside the API prefix (whose own
 * not-found handler Nest installs), gets the same JSON 404 as inside it instead of Express's HTML page.
 */
export function answerUnmatchedWithJson(app: NestExpressApplication): void {
  app.use((req: Request & { id?: string }, res: Response) => {
    const requestId = req.id ?? acceptRequestId(req.headers[REQUEST_ID_HEADER]);
    const body: ErrorBody = {
      statusCode: 404,
      code: CommonErrorCode.NOT_FOUND,
      message: `Cannot ${req.method} ${req.path}`,
      requestId,
    };
    res.status(404).json(body);
  });
}
