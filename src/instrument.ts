import type * as SentrySdk from '@sentry/nestjs';

// Runs before the rest of the app is imported. The SDK is loaded only when SENTRY_DSN is set: it weighs about
// 15 MB of memory that an app reporting to no Sentry should not carry.
let sentry: typeof SentrySdk | undefined;
if (process.env.SENTRY_DSN) {
  sentry = await import('@sentry/nestjs');
  sentry.init({
    dsn: process.env.SENTRY_DSN,
    environment: process.env.NODE_ENV ?? 'development',
    tracesSampleRate: 0,
    // The app reports unhandled rejections itself, tagged (main.ts); the SDK's own handler would report each twice
    // and, in the CLI, keep an unhandled rejection from ending the process as Node does.
    integrations: (defaults) => defaults.filter((integration) => integration.name !== 'OnUnhandledRejection'),
  });
}

/**
 * Sends an unexpected error to Sentry when it is configured; nothing otherwise. The tags say where it happened
 * (`context`: http, bull, cron, mqtt, ws, cli, process) and the correlation id that finds its log lines.
 */
export function reportToSentry(error: unknown, tags: Record<string, string> = {}): void {
  sentry?.captureException(error, { tags });
}

/** Waits (at most `timeoutMs`) until the events captured so far are sent: before a process exits. */
export async function flushSentry(timeoutMs = 2000): Promise<void> {
  await sentry?.flush(timeoutMs);
}
