import * as Sentry from '@sentry/nestjs';

// Must run before anything else is imported so Sentry can instrument it; without SENTRY_DSN nothing is sent.
if (process.env.SENTRY_DSN) {
  Sentry.init({
    dsn: process.env.SENTRY_DSN,
    environment: process.env.NODE_ENV ?? 'development',
    tracesSampleRate: 0,
  });
}
